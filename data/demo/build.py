"""Build the demo company "Lakeshore Supply Co." (Chicagoland, NW Indiana, SE Wisconsin).

Run as `.venv/bin/python data/demo/build.py`: rewrites accounts.csv, teams.csv, reps.csv and
users.csv beside this file from a fixed seed and prints summary statistics. Every account sits at a
real STANDARD ZIP from the `zipcodes` package (city, state and ZIP taken from one record); streets,
names, phones and values are synthetic.
"""

import csv
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import zipcodes

SEED = 20_240_611
N_ACCOUNTS = 1_720
BBOX = (41.35, -88.45, 43.20, -86.80)  # south, west, north, east in degrees
STATES = ("IL", "IN", "WI")
DOMAIN = "lakeshore.example.com"
OUT_DIR = Path(__file__).resolve().parent


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


def business_name(rng: random.Random, kind: str, city: str, taken: set[str]) -> str:
    """A name for this industry that no other account in the same city already has."""
    for _ in range(500):
        pattern = rng.choice(NAMES[kind].split("|"))
        s, s2 = rng.sample(SURNAMES, 2)
        name = pattern.format(s=s, s2=s2, w=rng.choice(WORDS), c=city)
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


def make_accounts(rng: random.Random, sites: list[Place]) -> list[dict[str, str]]:
    """One CRM account row per site (without Team), tiered by annual value."""
    kinds, ids, taken = list(PROFILES), set[str](), dict[str, set[str]]()
    accounts: list[dict[str, str]] = []
    for place in sites:
        kind = rng.choices(kinds, weights=[PROFILES[k][0] for k in kinds])[0]
        _, value_factor, minutes, site = PROFILES[kind]
        value = 0.0
        while not 2_000 <= value <= 500_000:  # truncated lognormal: no pile-up at the bounds
            value = rng.lognormvariate(math.log(9_000 * value_factor), 1.5)
        crm_coords = rng.random() < 0.01
        classic = [c for c in place.area_codes if c not in OVERLAYS] or place.area_codes
        area = rng.choice(classic if rng.random() < 0.85 else place.area_codes)
        accounts.append({
            "Account ID": salesforce_id(rng, ids),
            "Account Name": business_name(rng, kind, place.city, taken.setdefault(place.city + place.state, set())),
            "Billing Street": street(rng, place, site), "Billing City": place.city,
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


def make_reps(rng: random.Random, homes: list[Place], n_north: int) -> list[list[str]]:
    """One reps.csv row per home (homes sorted north to south); the first n_north are North."""
    shifts = (("08:00", "17:00"), ("07:30", "16:30"), ("08:30", "17:30"), ("07:00", "16:00"))
    reps: list[list[str]] = []
    for i, (name, home) in enumerate(zip(REPS, homes, strict=True)):
        reps.append([
            name, email(name), "North" if i < n_north else "South", street(rng, home),
            home.city, home.state, home.zip_code, "USA", "Mo-Th" if i in (3, 8) else "Mo-Fr",
            *rng.choice(shifts), "11:30", "14:00", str(rng.choice((30, 45))),
            f"{rng.uniform(0.45, 0.70):.2f}", str(rng.randint(35, 60)), str(rng.randint(6, 10)),
        ])  # fmt: skip
    return reps


def generate(out_dir: Path, seed: int = SEED) -> list[str]:
    """Write the four demo CSVs into out_dir and return human-readable summary lines."""
    rng = random.Random(seed)
    places = region_places()
    sites = allocate(rng, places)
    accounts = make_accounts(rng, sites)
    homes = sorted(kmeans_homes(rng, places, sites, len(REPS)), key=lambda p: -p.lat)
    nearest = [min(range(len(homes)), key=lambda i: haversine_km(s.lat, s.lon, homes[i].lat, homes[i].lon)) for s in sites]  # fmt: skip
    # Team North is the northernmost reps, as many as splits the accounts most evenly.
    load = Counter(nearest)
    n_north = min(range(1, len(homes)), key=lambda k: abs(2 * sum(load[i] for i in range(k)) - len(sites)))  # fmt: skip
    reps = make_reps(rng, homes, n_north)
    for acc, i in zip(
        accounts, nearest, strict=True
    ):  # an account belongs to its nearest rep's team
        acc["Team"] = reps[i][2]
    accounts.sort(key=lambda a: (a["Account Name"], a["Billing City"], a["Account ID"]))
    write_csv(out_dir / "accounts.csv", ACCOUNT_HEADERS, [[a[h] for h in ACCOUNT_HEADERS] for a in accounts])  # fmt: skip
    write_csv(out_dir / "teams.csv", ["name", "manager_email"], [[t, email(m)] for t, m in MANAGERS.items()])  # fmt: skip
    write_csv(out_dir / "reps.csv", REP_HEADERS, reps)
    users = [[f"admin@{DOMAIN}", "Pat Admin", "admin", "", ""]]
    users += [[email(m), m, "manager", "", t] for t, m in MANAGERS.items()]
    users += [[r[1], r[0], "rep", r[1], r[2]] for r in reps]
    write_csv(out_dir / "users.csv", ["email", "name", "role", "rep_email", "teams"], users)
    return summary(accounts, places, reps)


def email(name: str) -> str:
    """Company email for a person's display name."""
    return name.lower().replace(" ", ".") + "@" + DOMAIN


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
    for line in generate(OUT_DIR):
        print(line)


if __name__ == "__main__":
    main()
