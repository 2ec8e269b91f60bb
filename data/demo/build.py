"""Build the demo companies: accounts.csv, teams.csv, reps.csv and users.csv for each.

- `baltimore/`: "Harborline Supply Co.", 300 accounts and 5 reps at real street addresses read
  from the OpenStreetMap extract data/roads/baltimore.osm.pbf (the one the demo's road data is
  built from), so the offline geocoder places them at address precision and plans run on roads.
- `chicagoland/`: "Lakeshore Supply Co." (Chicagoland, NW Indiana, SE Wisconsin), 1,720 accounts
  at real STANDARD ZIPs from the `zipcodes` package (city, state and ZIP taken from one record)
  with synthetic streets.

Run as `.venv/bin/python data/demo/build.py`: rewrites both folders from fixed seeds and prints
summary statistics. Names, phones and values are synthetic for both.
"""

import csv
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import osmium
import osmium.filter
import osmium.osm
import zipcodes

SEED = 20_240_611
N_ACCOUNTS = 1_720
BBOX = (41.35, -88.45, 43.20, -86.80)  # south, west, north, east in degrees
STATES = ("IL", "IN", "WI")
DOMAIN = "lakeshore.example.com"
OUT_DIR = Path(__file__).resolve().parent
COMPANIES = ("baltimore", "chicagoland")


def _split(text: str) -> list[str]:
    return text.split("|") if "|" in text else text.split()


ACCOUNT_HEADERS = _split(
    "Account ID|Account Name|Billing Street|Billing City|Billing State/Province|"
    "Billing Zip/Postal Code|Billing Country|Billing Latitude|Billing Longitude|Phone|"
    "Annual Value|Tier|Visit Cadence (days)|Service Minutes|Opening Hours|Description|"
    "Territory|Team|Active"
)
SURNAMES = _split(
    "Anderson Becker Brennan Castillo Chen Czarnecki Delgado Dombrowski Erickson Fischer "
    "Flores Gallagher Garcia Hansen Hernandez Hoffman Jablonski Jensen Johnson Kaminski Kelly "
    "Kim Kowalski Krueger Larsen Lopez Mahoney Martinez Meyer Moreno Mueller Murphy Nelson Nguyen "
    "Novak Nowak O'Brien Olson Patel Peterson Ramirez Reyes Schmidt Schneider Schultz Sullivan "
    "Svoboda Thompson Vargas Walsh Weber Wisniewski Wojcik Zielinski"
)
WORDS = _split(
    "Lakeshore Prairie Northshore Heritage Cedar Oak Maple Riverside Fox Valley Harbor Parkside "
    "Union Pioneer Liberty Meadow Lakeview Westfield Brookside Summit Crossroads Keystone Elm "
    "Great Lakes Midway Dunes"
)
STREETS = _split(
    "Main Oak Elm Maple Washington Lincoln Park Lake Center Church Grand Madison Jefferson "
    "Franklin Market Mill River Spring Highland Ridge Prairie Walnut Cedar Chestnut Division "
    "Adams Monroe State Railroad Hickory Green Cass Wolf Devon Dempster Roosevelt Ogden"
)
INDUSTRIAL_STREETS = _split("Commerce Industrial Enterprise Progress Technology Corporate Business")
SUFFIXES = _split("St St Ave Ave Rd Dr Blvd Ln Ct Pkwy Way")
NOTES = _split(
    "Ask for the purchasing manager|Prefers morning visits|Loading dock at the rear|"
    "Parking on the side street|New owner since 2023|Quarterly business review due|"
    "Call ahead before visiting|Closed first week of August|Interested in the spring promotion|"
    "Pays net 30, good standing|Second location under consideration|Owner speaks Polish|"
    "Owner speaks Spanish|Check stock levels on every visit|Decision maker only on Tuesdays"
)


# kind: (relative frequency, value factor on the median, base service minutes, kind of address)
PROFILES: dict[str, tuple[float, float, int, str]] = {
    "hardware": (1.2, 1.0, 35, "street"), "clinic": (1.0, 1.6, 40, "suite"),
    "dental": (1.1, 0.9, 30, "suite"), "restaurant": (1.6, 0.6, 25, "street"),
    "auto": (0.6, 3.0, 60, "street"), "machine": (0.8, 2.2, 55, "industrial"),
    "pharmacy": (0.8, 1.1, 25, "street"), "grocer": (0.8, 1.8, 40, "street"),
    "hotel": (0.4, 2.5, 45, "street"), "school": (0.5, 1.5, 50, "street"),
    "vet": (0.5, 0.8, 30, "suite"), "bakery": (0.5, 0.5, 20, "street"),
    "lumber": (0.4, 2.0, 50, "industrial"),
}  # fmt: skip
# Name patterns: {s}/{s2} surnames, {w} a local word, {c} the city.
NAMES = {
    "hardware": "{s} Hardware|{w} Hardware & Supply|{s} Home & Hardware|{c} Tool & Hardware",
    "clinic": "{w} Family Medicine|{s} Medical Group|{c} Urgent Care|{w} Health Clinic|{s} Internal Medicine",
    "dental": "{s} Family Dental|{s} & {s2} DDS|{w} Dental Care|Smile Studio of {c}|{w} Orthodontics",
    "restaurant": "{s}'s Diner|{w} Grill|Taqueria {s}|{w} Pizza Co.|{s}'s Supper Club|{w} Tavern|{s} Family Restaurant",
    "auto": "{s} Motors|{c} Auto Sales|{w} Chevrolet|{s} Ford|{w} Auto Group",
    "machine": "{s} Precision Machining|{w} Tool & Die|{s} Machine Works|{w} Fabrication|{s} Manufacturing Co.",
    "pharmacy": "{s} Pharmacy|{w} Drugs|{c} Apothecary|{s} Family Pharmacy",
    "grocer": "{s}'s Market|{w} Fresh Foods|{c} Food Mart|{s} Meats & Deli|{w} Grocery",
    "hotel": "{w} Inn & Suites|{c} Lodge|{w} Hotel|{s} House Hotel",
    "school": "{w} Elementary School|{s} Middle School|St. {s} Academy|{w} Montessori School",
    "vet": "{w} Animal Hospital|{s} Veterinary Clinic|{c} Pet Care",
    "bakery": "{s}'s Bakery|{w} Bread Co.|{s} Pastry Shop",
    "lumber": "{w} Lumber|{s} Building Supply|{c} Lumber & Millwork",
}
# OSM-like opening hours, alternatives separated by "|"; many close over lunch.
HOURS = {
    "hardware": "Mo-Fr 07:00-18:00; Sa 08:00-16:00|Mo-Sa 07:00-19:00; Su 09:00-15:00|Mo-Fr 07:30-12:00,13:00-17:30; Sa 08:00-12:00",
    "clinic": "Mo-Fr 08:00-12:00,13:00-17:00|Mo-Fr 08:00-17:00|Mo-Th 08:00-12:00,13:00-18:00; Fr 08:00-13:00",
    "dental": "Mo-Th 08:00-12:00,13:00-17:00; Fr 08:00-13:00|Mo,We,Th 09:00-12:30,13:30-18:00; Tu 07:00-15:00; Sa 08:00-12:00|Mo-Fr 08:00-17:00",
    "restaurant": "Tu-Sa 11:00-14:00,17:00-22:00|Mo-Su 11:00-22:00|Tu-Su 11:30-14:30,17:00-21:30|Mo-Sa 06:00-15:00",
    "auto": "Mo-Fr 09:00-20:00; Sa 09:00-18:00|Mo-Sa 08:30-19:00",
    "machine": "Mo-Fr 07:00-15:30|Mo-Fr 06:00-14:30|Mo-Fr 07:30-16:00|Mo-Fr 07:00-11:30,12:00-15:30",
    "pharmacy": "Mo-Fr 08:00-21:00; Sa 09:00-18:00; Su 10:00-16:00|Mo-Fr 09:00-12:30,13:30-18:00; Sa 09:00-13:00|Mo-Fr 09:00-19:00; Sa 09:00-15:00",
    "grocer": "Mo-Su 07:00-22:00|Mo-Sa 07:00-21:00; Su 08:00-20:00|Mo-Sa 08:00-20:00",
    "hotel": "24/7",
    "school": "Mo-Fr 07:30-16:00|Mo-Fr 07:45-15:30",
    "vet": "Mo-Fr 08:00-12:00,14:00-18:00; Sa 08:00-12:00|Mo-Fr 07:30-18:30; Sa 08:00-13:00",
    "bakery": "Tu-Sa 06:00-14:00; Su 07:00-12:00|Mo-Sa 06:30-13:00",
    "lumber": "Mo-Fr 06:30-17:00; Sa 07:00-12:00|Mo-Fr 07:00-12:00,12:30-16:30",
}
REPS = _split(
    "Ana Ruiz|Brian Kowalczyk|Chloe Tran|Derek Olsen|Erin Walsh|Farid Haddad|Grace Lindqvist|"
    "Hector Morales|Imani Carter|Jonah Becker"
)
# Overlay area codes (2002-2022): fewer established businesses carry them.
OVERLAYS = ("224", "331", "464", "779", "872")
MANAGERS = {"North": "Dana Whitfield", "South": "Marcus Bell"}
REP_HEADERS = _split(
    "name|email|team|home_street|home_city|home_region|home_postcode|home_country|working_days|"
    "shift_start|shift_end|lunch_start|lunch_end|lunch_minutes|cost_per_km|cost_per_hour|"
    "max_visits_per_day"
)


@dataclass(frozen=True)
class Place:
    """One real STANDARD ZIP: its centroid in degrees and its telephone area codes."""

    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    area_codes: tuple[str, ...]
    street: str = ""  # a real street address here (Baltimore); empty: make one up (Chicagoland)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def region_places() -> list[Place]:
    """Active STANDARD ZIPs with coordinates inside BBOX in STATES, sorted by ZIP."""
    south, west, north, east = BBOX
    places = [
        Place(r["zip_code"], r["city"], r["state"], float(r["lat"]), float(r["long"]), tuple(r["area_codes"]))
        for r in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if r["zip_code_type"] == "STANDARD" and r["active"] and r["lat"] and r["long"]
        and r["state"] in STATES and south <= float(r["lat"]) <= north and west <= float(r["long"]) <= east
    ]  # fmt: skip
    return sorted(places, key=lambda p: p.zip_code)


def salesforce_id(rng: random.Random, used: set[str]) -> str:
    """An 18-char account id: key prefix 001, 12 base-62 chars, then Salesforce's case checksum."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    while True:
        base = "0015e0000" + "".join(rng.choice(alphabet) for _ in range(6))
        bits = [sum(1 << i for i, ch in enumerate(base[k : k + 5]) if ch.isupper()) for k in (0, 5, 10)]  # fmt: skip
        full = base + "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[b] for b in bits)
        if full not in used:
            used.add(full)
            return full


def street(rng: random.Random, place: Place, site: str = "street") -> str:
    """A plausible but synthetic street address; Illinois gets Chicago-grid N/S/E/W prefixes."""
    names = INDUSTRIAL_STREETS if site == "industrial" and rng.random() < 0.7 else STREETS
    prefix = rng.choice("NSEW") + " " if place.state == "IL" and rng.random() < 0.5 else ""
    line = f"{rng.randint(1, 98) * 100 + rng.randint(0, 99)} {prefix}{rng.choice(names)} {rng.choice(SUFFIXES)}"
    if site == "suite" and rng.random() < 0.4:
        line += f" Suite {rng.choice((100, 110, 120, 200, 210, 250, 300))}"
    return line


def real_street(rng: random.Random, place: Place, site: str = "street") -> str:
    """The place's real street address, with a suite number on some offices."""
    if site == "suite" and rng.random() < 0.4:
        return f"{place.street} Suite {rng.choice((100, 110, 120, 200, 210, 250, 300))}"
    return place.street


def business_name(
    rng: random.Random, kind: str, city: str, taken: set[str], words: list[str] = WORDS
) -> str:
    """A name for this industry that no other account in the same city already has."""
    for _ in range(500):
        pattern = rng.choice(NAMES[kind].split("|"))
        s, s2 = rng.sample(SURNAMES, 2)
        name = pattern.format(s=s, s2=s2, w=rng.choice(words), c=city)
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError(f"ran out of names in {city}")


def allocate(rng: random.Random, places: list[Place]) -> list[Place]:
    """One account per ZIP for coverage, the rest weighted by the number of ZIPs within 6 km.

    ZIPs are small where people are many, so neighbouring-ZIP count is a population-density proxy.
    """
    weights = [
        1 + sum(haversine_km(p.lat, p.lon, q.lat, q.lon) < 6 for q in places) for p in places
    ]
    return places + rng.choices(places, weights=weights, k=N_ACCOUNTS - len(places))  # fmt: skip


def kmeans_homes(rng: random.Random, places: list[Place], sites: list[Place], k: int) -> list[Place]:  # fmt: skip
    """Rep homes: the distinct ZIPs nearest to k-means centres of the account locations."""
    centres = [(p.lat, p.lon) for p in rng.sample(sites, k)]
    for _ in range(30):
        groups: list[list[Place]] = [[] for _ in range(k)]
        for s in sites:
            groups[min(range(k), key=lambda i: haversine_km(s.lat, s.lon, *centres[i]))].append(s)
        centres = [(sum(s.lat for s in g) / len(g), sum(s.lon for s in g) / len(g)) for g in groups if g]  # fmt: skip
    homes: list[Place] = []
    for lat, lon in centres:
        free = [p for p in places if p not in homes]
        homes.append(min(free, key=lambda p: haversine_km(lat, lon, p.lat, p.lon)))
    return homes


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV with LF line ends, quoting only where needed."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)


def make_accounts(
    rng: random.Random,
    sites: list[Place],
    *,
    words: list[str] = WORDS,
    overlays: tuple[str, ...] = OVERLAYS,
    crm_share: float = 0.01,
) -> list[dict[str, str]]:
    """One CRM account row per site (without Team), tiered by annual value. `crm_share` of the
    rows carry CRM coordinates (the site's point moved by up to 0.01 degrees)."""
    kinds, ids, taken = list(PROFILES), set[str](), dict[str, set[str]]()
    accounts: list[dict[str, str]] = []
    for place in sites:
        kind = rng.choices(kinds, weights=[PROFILES[k][0] for k in kinds])[0]
        _, value_factor, minutes, site = PROFILES[kind]
        value = 0.0
        while not 2_000 <= value <= 500_000:  # truncated lognormal: no pile-up at the bounds
            value = rng.lognormvariate(math.log(9_000 * value_factor), 1.5)
        crm_coords = rng.random() < crm_share
        classic = [c for c in place.area_codes if c not in overlays] or place.area_codes
        area = rng.choice(classic if rng.random() < 0.85 else place.area_codes)
        accounts.append({
            "Account ID": salesforce_id(rng, ids),
            "Account Name": business_name(rng, kind, place.city, taken.setdefault(place.city + place.state, set()), words),
            "Billing Street": (real_street if place.street else street)(rng, place, site),
            "Billing City": place.city,
            "Billing State/Province": place.state, "Billing Zip/Postal Code": place.zip_code,
            "Billing Country": "USA",
            "Billing Latitude": f"{place.lat + rng.uniform(-0.01, 0.01):.6f}" if crm_coords else "",
            "Billing Longitude": f"{place.lon + rng.uniform(-0.01, 0.01):.6f}" if crm_coords else "",
            "Phone": f"({area}) 555-01{rng.randint(0, 99):02d}",
            "Annual Value": str(int(round(value, -2))),
            "Service Minutes": str(minutes), "Opening Hours": rng.choice(HOURS[kind].split("|")),
            "Description": rng.choice(NOTES) if rng.random() < 0.25 else "", "Territory": "",
            "Active": "false" if rng.random() < 0.02 else "true",
        })  # fmt: skip
    by_value = sorted(accounts, key=lambda a: (-int(a["Annual Value"]), a["Account ID"]))
    cadences = {"A": (14, 21), "B": (28, 42), "C": (56, 84)}
    for rank, acc in enumerate(by_value):
        tier = "A" if rank < 0.10 * len(accounts) else "B" if rank < 0.35 * len(accounts) else "C"
        noise = rng.choice((-7, 7)) if rng.random() < 0.08 else 0  # the odd hand-tuned cadence
        extra = {"A": 20, "B": 10, "C": 0}[tier] + rng.choice((-5, 0, 0, 5))
        acc["Tier"] = tier
        acc["Visit Cadence (days)"] = str(rng.choice(cadences[tier]) + noise)
        acc["Service Minutes"] = str(min(90, max(20, int(acc["Service Minutes"]) + extra)))
    return accounts


def make_reps(
    rng: random.Random,
    homes: list[Place],
    n_first: int,
    *,
    names: list[str] = REPS,
    teams: tuple[str, str] = ("North", "South"),
    domain: str = DOMAIN,
) -> list[list[str]]:
    """One reps.csv row per home (homes in the order the teams split them); the first n_first
    are in the first team."""
    shifts = (("08:00", "17:00"), ("07:30", "16:30"), ("08:30", "17:30"), ("07:00", "16:00"))
    reps: list[list[str]] = []
    for i, (name, home) in enumerate(zip(names, homes, strict=True)):
        reps.append([
            name, email(name, domain), teams[0] if i < n_first else teams[1],
            (real_street if home.street else street)(rng, home),
            home.city, home.state, home.zip_code, "USA", "Mo-Th" if i in (3, 8) else "Mo-Fr",
            *rng.choice(shifts), "11:30", "14:00", str(rng.choice((30, 45))),
            f"{rng.uniform(0.45, 0.70):.2f}", str(rng.randint(35, 60)), str(rng.randint(6, 10)),
        ])  # fmt: skip
    return reps


def generate(company: str, out_dir: Path) -> list[str]:
    """Write the four CSVs of `company` (one of COMPANIES) into out_dir; return summary lines."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if company == "baltimore":
        return generate_baltimore(out_dir)
    if company == "chicagoland":
        return generate_chicagoland(out_dir)
    raise ValueError(f"no demo company {company!r}; choose from {', '.join(COMPANIES)}")


def generate_chicagoland(out_dir: Path, seed: int = SEED) -> list[str]:
    """Write Lakeshore Supply's four CSVs into out_dir and return human-readable summary lines."""
    rng = random.Random(seed)
    places = region_places()
    sites = allocate(rng, places)
    accounts = make_accounts(rng, sites)
    homes = sorted(kmeans_homes(rng, places, sites, len(REPS)), key=lambda p: -p.lat)
    reps = staff(rng, out_dir, accounts, sites, homes, names=REPS, managers=MANAGERS, domain=DOMAIN)
    return summary(accounts, places, reps)


def staff(
    rng: random.Random,
    out_dir: Path,
    accounts: list[dict[str, str]],
    sites: list[Place],
    homes: list[Place],
    *,
    names: list[str],
    managers: dict[str, str],
    domain: str,
) -> list[list[str]]:
    """Reps at `homes` (in the order the two teams split them), each account in the team of its
    nearest rep; write the four CSVs and return the reps' rows."""
    nearest = [min(range(len(homes)), key=lambda i: haversine_km(s.lat, s.lon, homes[i].lat, homes[i].lon)) for s in sites]  # fmt: skip
    # The first team is the first reps in `homes`, as many as split the accounts most evenly.
    load = Counter(nearest)
    n_first = min(range(1, len(homes)), key=lambda k: abs(2 * sum(load[i] for i in range(k)) - len(sites)))  # fmt: skip
    first, second = managers
    reps = make_reps(rng, homes, n_first, names=names, teams=(first, second), domain=domain)
    for acc, i in zip(accounts, nearest, strict=True):  # an account is in its nearest rep's team
        acc["Team"] = reps[i][2]
    accounts.sort(key=lambda a: (a["Account Name"], a["Billing City"], a["Account ID"]))
    write_csv(out_dir / "accounts.csv", ACCOUNT_HEADERS, [[a[h] for h in ACCOUNT_HEADERS] for a in accounts])  # fmt: skip
    write_csv(out_dir / "teams.csv", ["name", "manager_email"], [[t, email(m, domain)] for t, m in managers.items()])  # fmt: skip
    write_csv(out_dir / "reps.csv", REP_HEADERS, reps)
    users = [[f"admin@{domain}", "Pat Admin", "admin", "", ""]]
    users += [[email(m, domain), m, "manager", "", t] for t, m in managers.items()]
    users += [[r[1], r[0], "rep", r[1], r[2]] for r in reps]
    write_csv(out_dir / "users.csv", ["email", "name", "role", "rep_email", "teams"], users)
    return reps


# --- Harborline Supply Co., Baltimore: real addresses from the OpenStreetMap extract ---------

BALTIMORE_SEED = 20_261_127
BALTIMORE_EXTRACT = OUT_DIR.parent / "roads" / "baltimore.osm.pbf"
BALTIMORE_BBOX = (39.22, -76.66, 39.35, -76.48)  # the extract's area (data/roads/SOURCES.md)
BALTIMORE_ACCOUNTS = 300
BALTIMORE_DOMAIN = "harborline.example.com"
BALTIMORE_REPS = _split("Keisha Brooks|Luis Ortega|Megan Doyle|Nate Sobczak|Priya Raman")
BALTIMORE_MANAGERS = {"West": "Tamara Greene", "East": "Victor Alvarez"}
BALTIMORE_WORDS = _split(
    "Harbor Chesapeake Patapsco Fells Canton Tidewater Bayview Patterson Clifton Calvert "
    "Locust Point Anchor Pier Seawall Lighthouse Dundalk Bayside Charm City Oriole Federal Hill"
)
# Area codes of every 212xx ZIP: 410 (1991), then the overlays 443 (1997) and 667 (2012).
BALTIMORE_OVERLAYS = ("443", "667")
# The cell (degrees) over which addresses are thinned: OSM mappers covered some blocks house by
# house and others not at all, so sampling evenly would pile the accounts onto a few streets.
CELL_DEG = 0.005
MIN_GAP_KM = 0.05  # between any two accounts or homes
# USPS abbreviations a CRM would hold ("South Wolfe Street" -> "S Wolfe St").
DIRECTIONS = {"North": "N", "South": "S", "East": "E", "West": "W"}
STREET_TYPES = {
    "Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Lane": "Ln", "Court": "Ct",
    "Place": "Pl", "Boulevard": "Blvd", "Circle": "Cir", "Highway": "Hwy", "Parkway": "Pkwy",
    "Terrace": "Ter", "Square": "Sq", "Alley": "Aly",
}  # fmt: skip


@dataclass(frozen=True)
class OsmAddress:
    """One `addr:*` object of the extract: a node, or a building way at its outline's mean."""

    lat: float
    lon: float
    housenumber: str
    street: str
    postcode: str
    city: str


def read_osm_addresses(pbf: Path) -> list[OsmAddress]:
    """Every node and way of the extract with `addr:housenumber` (other tags may be empty)."""
    processor = (
        osmium.FileProcessor(str(pbf))
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("addr:housenumber"))
    )
    found: list[OsmAddress] = []
    for obj in processor:
        if isinstance(obj, osmium.osm.Node):
            if not obj.location.valid():
                continue
            lat, lon = obj.location.lat, obj.location.lon
        elif isinstance(obj, osmium.osm.Way):
            refs = list(obj.nodes)
            if len(refs) > 1 and refs[0].ref == refs[-1].ref:
                refs = refs[:-1]  # a closed outline repeats its first node
            points = [(r.lat, r.lon) for r in refs if r.location.valid()]
            if not points:
                continue
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
        else:
            continue
        tags = obj.tags
        found.append(OsmAddress(
            round(lat, 7), round(lon, 7), tags.get("addr:housenumber", ""),
            tags.get("addr:street", ""), tags.get("addr:postcode", ""), tags.get("addr:city", ""),
        ))  # fmt: skip
    return found


def crm_street(address: OsmAddress, abbreviate: bool) -> str:
    """The address line as a CRM holds it: house number and street, often USPS-abbreviated."""
    words = address.street.split()
    if abbreviate:
        if len(words) > 2 and words[0] in DIRECTIONS:
            words[0] = DIRECTIONS[words[0]]
        if len(words) > 1 and words[-1] in STREET_TYPES:
            words[-1] = STREET_TYPES[words[-1]]
    return f"{address.housenumber} {' '.join(words)}"


def baltimore_places(rng: random.Random, pbf: Path = BALTIMORE_EXTRACT) -> list[Place]:
    """The extract's complete, unambiguous addresses inside its area as places, in a stable order.

    Complete: house number (digits only), street, postcode and city all tagged. Unambiguous: no
    other object of the extract has the same street and house number, so the geocoder has one
    answer for it.
    """
    everything = read_osm_addresses(pbf)
    same = Counter((a.street.casefold(), a.housenumber.casefold()) for a in everything)
    south, west, north, east = BALTIMORE_BBOX
    usable = sorted(
        {
            a for a in everything
            if a.housenumber.isdigit() and a.street and a.postcode and a.city
            and same[(a.street.casefold(), a.housenumber.casefold())] == 1
            and south <= a.lat <= north and west <= a.lon <= east
        },
        key=lambda a: (a.postcode, a.street, int(a.housenumber), a.lat, a.lon),
    )  # fmt: skip
    places = []
    for a in usable:
        zip_record = zipcodes.matching(a.postcode)  # type: ignore[no-untyped-call]
        area_codes = tuple(zip_record[0]["area_codes"]) if zip_record else ("410",)
        line = crm_street(a, abbreviate=rng.random() < 0.7)
        places.append(Place(a.postcode, a.city, "MD", a.lat, a.lon, area_codes, line))
    return places


def thinned_sample(rng: random.Random, places: list[Place], k: int) -> list[Place]:
    """k places, each weighted 1/sqrt(addresses in its cell), so densely mapped blocks give more
    accounts than sparse ones but do not swamp them; none within MIN_GAP_KM of another."""

    def cell(p: Place) -> tuple[int, int]:
        return math.floor(p.lat / CELL_DEG), math.floor(p.lon / CELL_DEG)

    per_cell = Counter(cell(p) for p in places)
    # Efraimidis-Spirakis: taking the largest u ** (1 / weight) first is a weighted sample.
    keyed = [(rng.random() ** math.sqrt(per_cell[cell(p)]), i) for i, p in enumerate(places)]
    chosen: list[int] = []
    for _, i in sorted(keyed, reverse=True):
        if len(chosen) == k:
            break
        if not any(near(places[i], places[j]) for j in chosen):
            chosen.append(i)
    return [places[i] for i in sorted(chosen)]


def near(a: Place, b: Place) -> bool:
    """Next door: two such places can snap onto one stretch of a one-way street, where OSRM's
    table finds no way from the one ahead back to the one behind."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon) < MIN_GAP_KM


def generate_baltimore(out_dir: Path, seed: int = BALTIMORE_SEED) -> list[str]:
    """Write Harborline Supply's four CSVs into out_dir and return human-readable summary lines."""
    rng = random.Random(seed)
    places = baltimore_places(rng)
    sites = thinned_sample(rng, places, BALTIMORE_ACCOUNTS)
    accounts = make_accounts(
        rng, sites, words=BALTIMORE_WORDS, overlays=BALTIMORE_OVERLAYS, crm_share=0.0
    )
    # Reps live at addresses no account has, none next door to one.
    free = [p for p in places if not any(near(p, s) for s in sites)]
    homes = sorted(
        kmeans_homes(rng, free, sites, len(BALTIMORE_REPS)), key=lambda p: (p.lon, p.lat)
    )
    reps = staff(
        rng, out_dir, accounts, sites, homes,
        names=BALTIMORE_REPS, managers=BALTIMORE_MANAGERS, domain=BALTIMORE_DOMAIN,
    )  # fmt: skip
    return baltimore_summary(accounts, sites, places, reps)


def baltimore_summary(
    accounts: list[dict[str, str]], sites: list[Place], places: list[Place], reps: list[list[str]]
) -> list[str]:
    """Human-readable statistics about the Baltimore company."""
    s, n = min(p.lat for p in sites), max(p.lat for p in sites)
    w, e = min(p.lon for p in sites), max(p.lon for p in sites)
    values = sorted((int(a["Annual Value"]) for a in accounts), reverse=True)
    top = sum(values[: len(values) // 5]) / sum(values)
    lunch = sum(bool(re.search(r"\d,\d", a["Opening Hours"])) for a in accounts)

    def fmt(counts: Counter[str]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))

    return [
        f"accounts: {len(accounts)} at real addresses (of {len(places)} usable in the extract), "
        f"{len({a['Billing Zip/Postal Code'] for a in accounts})} ZIPs",
        f"per city: {fmt(Counter(a['Billing City'] for a in accounts))}",
        f"per tier: {fmt(Counter(a['Tier'] for a in accounts))}",
        f"per team: {fmt(Counter(a['Team'] for a in accounts))}",
        f"inactive: {sum(a['Active'] == 'false' for a in accounts)}, "
        f"hours with a midday break: {lunch}",
        f"bounding box: lat {s:.4f}..{n:.4f}, lon {w:.4f}..{e:.4f}; "
        f"N-S {haversine_km(s, w, n, w):.1f} km, W-E {haversine_km(s, w, s, e):.1f} km",
        f"annual value: total {sum(values):,}, median {values[len(values) // 2]:,}, "
        f"top 20% of accounts hold {top:.1%}",
        f"reps: {len(reps)}; teams: {fmt(Counter(r[2] for r in reps))}; "
        f"homes: {'; '.join(f'{r[3]}, {r[4]}' for r in reps)}",
    ]


def email(name: str, domain: str = DOMAIN) -> str:
    """Company email for a person's display name."""
    return name.lower().replace(" ", ".") + "@" + domain


def summary(accounts: list[dict[str, str]], places: list[Place], reps: list[list[str]]) -> list[str]:  # fmt: skip
    """Human-readable statistics about the generated accounts and reps."""
    by_zip = {p.zip_code: p for p in places}
    used = [by_zip[a["Billing Zip/Postal Code"]] for a in accounts]
    s, n = min(p.lat for p in used), max(p.lat for p in used)
    w, e = min(p.lon for p in used), max(p.lon for p in used)
    values = sorted((int(a["Annual Value"]) for a in accounts), reverse=True)
    top = sum(values[: len(values) // 5]) / sum(values)
    lunch = sum(bool(re.search(r"\d,\d", a["Opening Hours"])) for a in accounts)

    def fmt(counts: Counter[str]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))

    return [
        f"accounts: {len(accounts)} in {len({p.zip_code for p in used})} of {len(places)} region ZIPs, "
        f"{len({(p.city, p.state) for p in used})} cities",
        f"per tier: {fmt(Counter(a['Tier'] for a in accounts))}",
        f"per team: {fmt(Counter(a['Team'] for a in accounts))}",
        f"per state: {fmt(Counter(a['Billing State/Province'] for a in accounts))}",
        f"inactive: {sum(a['Active'] == 'false' for a in accounts)}, with CRM coordinates: "
        f"{sum(bool(a['Billing Latitude']) for a in accounts)}, hours with a midday break: {lunch}",
        f"bounding box: lat {s:.4f}..{n:.4f}, lon {w:.4f}..{e:.4f}; "
        f"N-S {haversine_km(s, w, n, w):.0f} km, W-E {haversine_km(s, w, s, e):.0f} km, "
        f"diagonal {haversine_km(s, w, n, e):.0f} km",
        f"annual value: total {sum(values):,}, median {values[len(values) // 2]:,}, "
        f"top 20% of accounts hold {top:.1%}",
        f"reps: {len(reps)}; teams: {fmt(Counter(r[2] for r in reps))}; "
        f"homes: {', '.join(f'{r[4]} {r[5]}' for r in reps)}",
    ]


def main() -> None:
    """Regenerate the committed demo CSVs and print their statistics."""
    for company in COMPANIES:
        print(f"== {company} (data/demo/{company}/)")
        for line in generate(company, OUT_DIR / company):
            print(line)


if __name__ == "__main__":
    main()
