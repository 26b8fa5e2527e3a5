"""The synthetic register of 熊儿寨乡, spring 2020: seeded, documented, no real personal data.

One JSON object per line is one *case* of one person for one decision (``quarantine_status``,
``return_deferral`` or ``gate_admission``) on the day ``at``; ``meta`` says whose case it is.
Every share below is tagged: [S] a published figure, [FR] the field report, [A] an assumption
(registers/README.md gives the reasoning); ids such as F-township name entries of
docs/sources.md, which give each one's public source. ``python registers/generate.py`` rewrites
``registers/xiongerzhai-2020.jsonl`` byte for byte; ``generate(households=N)`` makes larger
registers for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy import DurableEngine, load_pack  # noqa: E402
from policy.atomic import atomic_writer  # noqa: E402

SEED = 20200209                       # the day of the Beijing closed-management notice
RESIDENTS = 2_859                     # [S] F-township: 常住人口, 2020 census
HOUSEHOLDS = 1_316                    # [FR] §一(二) 摸排走访1316户; F-township
PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"
TARGET = ROOT / "registers" / "xiongerzhai-2020.jsonl"

# The 7 villages of the field report (东长峪 counted with 东沟, A-seven-villages), with the
# scenario files' ids and their [A] population shares (the scenarios' destination weights).
VILLAGES = (
    ("xiongerzhai", "熊儿寨", 0.25),
    ("beitumen", "北土门", 0.13),
    ("nancha", "南岔", 0.12),
    ("weijiawan", "魏家湾", 0.12),
    ("donggou", "东沟（含东长峪）", 0.16),
    ("huayu", "花峪", 0.12),
    ("laoquankou", "老泉口", 0.10),
)
# [A] household sizes 1..6; mean 2.26 before trimming to 2,859 / 1,316 = 2.17 (A-household-size).
HOUSEHOLD_SIZE = (0.30, 0.37, 0.17, 0.10, 0.05, 0.01)
# [A] roles of persons: taxi drivers are key persons in the field report §一(一)/(二) [FR], P-taxi;
# commuters work in other Beijing districts (§一(六) 往返区外市内工作人员) [FR].
ROLES = (("resident", 0.795), ("commuter", 0.10), ("taxi_driver", 0.015),
         ("returner", 0.06), ("away", 0.03))
# [A] origins outside Beijing as the notices split them (A-origin-risk): Tianjin/Hebei (Pinggu
# borders both), other areas by risk (high: the 2020-02-09 high-incidence areas; low: the
# 2020-04-30 low-risk areas; outside_beijing: neither), Hubei.
RETURNER_ORIGIN = (("tianjin_hebei", 0.15), ("outside_low_risk", 0.45), ("outside_beijing", 0.30),
                   ("outside_high_risk", 0.05), ("hubei", 0.05))                       # [A]
AWAY_ORIGIN = (("tianjin_hebei", 0.13), ("outside_low_risk", 0.38), ("outside_beijing", 0.26),
               ("outside_high_risk", 0.08), ("hubei", 0.05), ("beijing_other_district", 0.10))  # [A]
# [A] the groups of returners the 2020-02-21 and 2020-04-18 notices exempt (A-exempt-groups):
# from Tianjin/Hebei, commuters (北三县 or elsewhere) and people who stayed 14 days there; from
# anywhere outside Beijing but Hubei, workers returning to a closed workplace.
TIANJIN_HEBEI_GROUP = (("beisanxian_commuter", 0.20), ("tianjin_hebei_commuter", 0.10),
                       ("tianjin_hebei_stay_14_days", 0.40), ("none", 0.30))
CLOSED_WORKPLACE = 0.05               # [A] share of other outside-Beijing returners
HUBEI_HISTORY = 2e-3                  # [A] residents back from Hubei before the notices (key persons, §一(二))
NECESSITY = (("essential_work", 0.40), ("family_emergency", 0.05), ("medical", 0.05),
             ("non_essential", 0.50))                                                  # [A]
CONTACT_DAYS = 28                     # [A] days since the contact, uniform 0–27 (A-close-contact)
REGISTERED_IN_ADVANCE = 0.6           # [A] share of people away who reported before returning
HOME_SUITABLE = 0.92                  # [A] homes fit for home observation (P-home-observation: else centralized)
FEVER = 5e-4                          # [A] A-fever-rate: 1e-4..1e-3 of entrants read ≥ 37.3 °C
SYMPTOMS = 1e-3                       # [A]
CONTACT_WITH_CASE = 5e-4              # [A] Pinggu had no confirmed case in 2020 (P-pinggu)
HAS_PASS = 0.9                        # [A] villagers carrying their 出入证 (N-2020-02-09 item 1)
RETURNER_HAS_PASS = 0.6               # [A] returners, many not yet issued one
TEMPERATURE = (36.5, 0.3)             # [A] normal reading, mean and sd, °C, to 0.1 °C
FIRST_DAY, LAST_DAY = dt.date(2020, 2, 1), dt.date(2020, 4, 30)   # [A] the notices' span (N-2020-02-03 … N-2020-04-30)
HUBEI_BARRED = (dt.date(2020, 2, 27), dt.date(2020, 3, 30))       # N-2020-02-27 … N-2020-03-31: no return from Hubei
GATE_ROLE = {"resident": "resident", "commuter": "commuter", "taxi_driver": "commuter",
             "returner": "returning_resident"}   # [A] the pack has no taxi role: they commute


@dataclass(frozen=True)
class Person:
    """One resident: where they live, their role, and the facts their cases are drawn from."""

    household: str
    number: int
    village: tuple[str, str, float]
    role: str
    origin: str
    day: dt.date
    days_since_return: int
    fever: bool
    symptoms: bool
    contact: int | None
    home_suitable: bool
    group: str

    @property
    def id(self) -> str:
        return f"{self.household}-{self.number}"

    def meta(self) -> dict[str, str]:
        return {"village": self.village[1], "village_id": self.village[0],
                "household": self.household, "person": self.id, "role": self.role}


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> list[str]:
    names, shares = zip(*table, strict=True)
    return [names[i] for i in rng.choice(len(names), n, p=np.array(shares) / sum(shares))]


def _allocate(total: int, shares: list[float]) -> list[int]:
    """*total* split by *shares* with the largest-remainder method (exact, deterministic)."""
    raw = np.array(shares) / sum(shares) * total
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def _household_sizes(rng: np.random.Generator, households: int, residents: int) -> np.ndarray:
    """Sizes drawn from HOUSEHOLD_SIZE, then nudged one person at a time to sum to *residents*."""
    sizes = rng.choice(len(HOUSEHOLD_SIZE), households, p=HOUSEHOLD_SIZE) + 1
    while (gap := residents - int(sizes.sum())) != 0:
        i = int(rng.integers(households))
        if gap > 0 and sizes[i] < len(HOUSEHOLD_SIZE):
            sizes[i] += 1
        elif gap < 0 and sizes[i] > 1:
            sizes[i] -= 1
    return sizes


def _day(rng: np.random.Generator, start: dt.date = FIRST_DAY, end: dt.date = LAST_DAY) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers((end - start).days + 1)))


def people(households: int = HOUSEHOLDS, residents: int = RESIDENTS, seed: int = SEED) -> list[Person]:
    """The township's persons, household by household, village by village."""
    rng = np.random.default_rng(seed)
    width = max(4, len(str(households)))
    villages = [v for v, n in zip(VILLAGES, _allocate(households, [v[2] for v in VILLAGES]), strict=True)
                for _ in range(n)]
    sizes = _household_sizes(rng, households, residents)
    roles = _pick(rng, ROLES, residents)
    out: list[Person] = []
    for h, (village, size) in enumerate(zip(villages, sizes, strict=True), 1):
        household = [_person(rng, f"xez-{h:0{width}d}", number, village, roles[len(out) + number - 1])
                     for number in range(1, int(size) + 1)]
        out += _key_households(household)
    return out


def _key_households(household: list[Person]) -> list[Person]:
    """A household with a member away (哪家有出京人员, §一(一)): its other members with no group
    of their own are key persons of group ``household_member_away``."""
    if not any(p.role == "away" and p.origin != "beijing_other_district" for p in household):
        return household
    return [replace(p, group="household_member_away") if p.role != "away" and p.group == "none" else p
            for p in household]


def _person(rng: np.random.Generator, household: str, number: int, village: tuple[str, str, float],
            role: str) -> Person:
    """Draw one person's origin, case day and health; returners came back on a day in Feb–Apr."""
    days, group = 0, "taxi_driver" if role == "taxi_driver" else "none"
    if role == "returner":
        origin = _pick(rng, RETURNER_ORIGIN, 1)[0]
        if origin == "tianjin_hebei":
            group = _pick(rng, TIANJIN_HEBEI_GROUP, 1)[0]
        elif origin != "hubei" and rng.random() < CLOSED_WORKPLACE:
            group = "closed_workplace_worker"
        back = _day(rng)
        while origin == "hubei" and HUBEI_BARRED[0] <= back <= HUBEI_BARRED[1]:
            back = _day(rng)
        days = min(int(rng.integers(28)), (LAST_DAY - back).days)   # [A] seen 0–27 days after
        day = back + dt.timedelta(days=days)
    elif role == "away":
        origin, day = _pick(rng, AWAY_ORIGIN, 1)[0], _day(rng)
    else:
        origin = "local" if role == "resident" else "beijing_other_district"
        day = _day(rng)
        if role == "resident" and rng.random() < HUBEI_HISTORY:
            group = "hubei_travel_history"
    fever, symptoms = bool(rng.random() < FEVER), bool(rng.random() < SYMPTOMS)
    contact = int(rng.integers(CONTACT_DAYS)) if rng.random() < CONTACT_WITH_CASE else None
    return Person(household, number, village, role, origin, day, days, fever, symptoms, contact,
                  bool(rng.random() < HOME_SUITABLE), group)


def cases(persons: list[Person], seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Every person's cases: quarantine status; return deferral when away; gate admission
    otherwise, carrying the observation status the shipped pack gave them that day before
    any fever or symptom was found (a fever shows in the gate's own temperature reading)."""
    rng = np.random.default_rng(seed + 1)
    status = DurableEngine(load_pack(PACK))
    for p in persons:
        head = {"decision": "quarantine_status", "at": p.day.isoformat(), "meta": p.meta()}
        contact = {} if p.contact is None else {"days_since_contact": p.contact}
        quarantine = {"origin": p.origin, "days_since_return": p.days_since_return, "fever": p.fever,
                      "symptoms": p.symptoms, **contact, "home_suitable": p.home_suitable,
                      "person_group": p.group}
        yield {"id": f"{p.id}-q", **head, **quarantine}
        if p.role == "away":
            necessity = _pick(rng, NECESSITY, 1)[0]
            yield {"id": f"{p.id}-r", **head, "decision": "return_deferral", "origin": p.origin,
                   "necessity": necessity, "registered_in_advance": bool(rng.random() < REGISTERED_IN_ADVANCE)}
            continue
        before = status.decide("quarantine_status", {**quarantine, "fever": False, "symptoms": False}, p.day)
        reading = round(float(rng.normal(*TEMPERATURE)), 1)
        temperature = round(float(rng.uniform(37.3, 39.0)), 1) if p.fever else min(reading, 37.2)
        has_pass = rng.random() < (RETURNER_HAS_PASS if p.role == "returner" else HAS_PASS)
        yield {"id": f"{p.id}-g", **head, "decision": "gate_admission", "gate_level": "village",
               "role": GATE_ROLE[p.role], "has_pass": bool(has_pass), "temperature_c": temperature,
               "quarantine_status": before.outcome}


def generate(households: int = HOUSEHOLDS, residents: int = RESIDENTS, seed: int = SEED) -> list[dict[str, Any]]:
    """The register's records, in household order."""
    return list(cases(people(households, residents, seed), seed))


def write(records: list[dict[str, Any]], path: str | Path) -> None:
    """Write *records* as JSON Lines (UTF-8, keys in register order), atomically."""
    with atomic_writer(path) as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


if __name__ == "__main__":
    records = generate()
    write(records, TARGET)
    print(f"{TARGET.relative_to(ROOT)}: {len(records):,} cases of {RESIDENTS:,} residents "
          f"in {HOUSEHOLDS:,} households")
