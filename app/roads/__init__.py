"""Travel on real roads: OSRM data built from OpenStreetMap, the engines that answer, the choice.

`build` prepares OSRM data from an extract (`python -m app.cli roads build`); `engine` is the
interface every engine answers (a table and a route); `embedded` is OSRM in this process,
`remote` the engines reached by URL (OSRM, Valhalla, GraphHopper); `travel` turns an engine's
answers into the planners' `routing.Travel` (snapping limits, unreachable places, labels);
`service` picks the travel model from the settings at start-up.
"""
