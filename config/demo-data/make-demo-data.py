#!/usr/bin/python3
"""make-demo-data.py - writes the JSON-stat demo files of config/demo.conf.

ILLUSTRATIVE DEMO DATA: the numbers made here are invented to look
plausible, except where a comment names a published figure. Each file
says so in its JSON-stat "note". Run from this directory; the output is
committed, so the demo needs neither this script nor the network.
"""
import json
import math

NOTE = ["ILLUSTRATIVE DEMO DATA - NOT OFFICIAL STATISTICS.",
        "Bundled with pejl so that config/demo.conf runs offline, in the format the API sends.",
        "The numbers are made up to look plausible unless listed as published below."]


def dst(path, table, label, dims, values, published=()):
    """JSON-stat 1.x as Statistics Denmark's API sends it: a {"dataset": ...}
    wrapper, id/size/role inside dimension, a ContentsCode dimension, dense values."""
    dimension = {}
    for did, codes in dims:
        dimension[did] = {"label": did, "category": {
            "index": {c: i for i, c in enumerate(codes)},
            "label": {c: c for c in codes}}}
    dimension["id"] = [d for d, _ in dims]
    dimension["size"] = [len(c) for _, c in dims]
    dimension["role"] = {"metric": ["ContentsCode"], "time": ["Tid"]}
    ds = {"dimension": dimension, "label": label, "source": "Statistics Denmark",
          "updated": "2025-10-01T06:00:00Z", "note": NOTE + list(published), "value": values}
    with open(path, "w") as f:
        json.dump({"dataset": ds}, f, ensure_ascii=False)
        f.write("\n")


def eurostat(path, label, dims, values, status, published=()):
    """JSON-stat 2.0 as Eurostat's dissemination API sends it: sparse value
    and status objects keyed by the flat index."""
    dimension = {did: {"label": did, "category": {
        "index": {c: i for i, c in enumerate(codes)}, "label": {c: c for c in codes}}}
        for did, codes in dims}
    doc = {"version": "2.0", "class": "dataset", "label": label, "source": "ESTAT",
           "updated": "2025-10-01T11:00:00+0200", "note": NOTE + list(published),
           "id": [d for d, _ in dims], "size": [len(c) for _, c in dims],
           "dimension": dimension, "role": {"time": ["time"], "geo": ["geo"]},
           "value": {str(k): v for k, v in values.items()},
           "status": {str(k): v for k, v in status.items()}}
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")


def months(first_year, last_year, last_month):
    return [f"{y}M{m:02d}" for y in range(first_year, last_year + 1) for m in range(1, 13)
            if y < last_year or m <= last_month]


# Pejlemaerke 5: life-science exports, the live catalogue's basket and splice
# (config/pejld.conf): SITC 54 (medicinal and pharmaceutical products) and 87
# (professional, scientific and controlling instruments), exports (INDUD 2) to
# the world (LAND W1), DKK 1,000; annual table SITC2R4Y for 2007-2021 (no
# UHBEGREB), monthly table SITC2R4 from 2022M01 with UHBEGREB = GP (the border
# crossing principle). Published basket totals: 65 bn (2010), 107 bn (2016),
# 174 bn (2023) (003 L311-314, 001 L704); the other years are made up.
annual = {2007: 50, 2008: 55, 2009: 60, 2010: 65, 2011: 70, 2012: 75, 2013: 80, 2014: 86,
          2015: 96, 2016: 107, 2017: 113, 2018: 121, 2019: 131, 2020: 140, 2021: 151,
          2022: 163, 2023: 174, 2024: 189, 2025: 200}
shares = {"54": 0.86, "87": 0.14}
SITC_TEXT = {"54": "54 Medicinal and pharmaceutical products",
             "87": "87 Profssional, scientific and controlling instruments and apparatus, N.E.S."}


def dst_trade(path, table, label, dims, values, published):
    """JSON-stat 1.x as Statistics Denmark answers POST /v1/data for its trade
    tables (metadata/trade_dk_total_goods_monthly.json): category labels, a
    geo role for LAND, the unit of ContentsCode and the px extension."""
    texts = {"SITC": SITC_TEXT, "LAND": {"W1": "REST OF THE WORLD"}, "INDUD": {"2": "Exports"},
             "UHBEGREB": {"GP": "Trade in goods (border crossing principle)"}}
    dimension = {}
    for did, codes in dims:
        dimension[did] = {"label": did, "category": {
            "index": {c: i for i, c in enumerate(codes)},
            "label": {c: texts.get(did, {}).get(c, c) for c in codes}}}
    dimension["ContentsCode"]["category"]["unit"] = {
        table: {"base": "DKK 1,000", "decimals": 0}}
    dimension["id"] = [d for d, _ in dims]
    dimension["size"] = [len(c) for _, c in dims]
    dimension["role"] = {"geo": ["LAND"], "metric": ["ContentsCode"], "time": ["Tid"]}
    ds = {"dimension": dimension, "label": label, "source": "Statistics Denmark",
          "updated": "2025-10-01T06:00:00Z", "value": values,
          "extension": {"px": {"tableid": table, "decimals": 0}},
          "note": NOTE + list(published)}
    with open(path, "w") as f:
        json.dump({"dataset": ds}, f, ensure_ascii=False)
        f.write("\n")


years = [str(y) for y in range(2007, 2022)]
dst_trade("statbank-SITC2R4Y.json", "SITC2R4Y",
          "Value of imports and exports by main SITC groups, country, imports and exports, "
          "Indhold and time",
          [("SITC", list(shares)), ("LAND", ["W1"]), ("INDUD", ["2"]),
           ("ContentsCode", ["SITC2R4Y"]), ("Tid", years)],
          [round(annual[int(y)] * 1e6 * share) for share in shares.values() for y in years],
          ["Published: 2010 = 65 bn and 2016 = 107 bn DKK for the basket (003 L311-314, "
           "001 L704)."])

tid = months(2022, 2025, 8)
values = []
for code, share in shares.items():
    for t in tid:
        y, m = int(t[:4]), int(t[5:])
        season = 1 + 0.06 * math.sin((m - 1) / 12 * 2 * math.pi)
        values.append(round(annual[y] * 1e6 * share / 12 * season))
# make every complete year sum exactly to its annual total
for ci, (code, share) in enumerate(shares.items()):
    for y in range(2022, 2025):
        idx = [ci * len(tid) + i for i, t in enumerate(tid) if int(t[:4]) == y]
        values[idx[-1]] += round(annual[y] * 1e6 * share) - sum(values[i] for i in idx)
dst_trade("statbank-SITC2R4.json", "SITC2R4",
          "Value of imports and exports (DKK 1.000) by main SITC groups, country, imports and "
          "exports, submission of goods, Indhold and time",
          [("SITC", list(shares)), ("LAND", ["W1"]), ("INDUD", ["2"]), ("UHBEGREB", ["GP"]),
           ("ContentsCode", ["SITC2R4"]), ("Tid", tid)],
          values, ["Published: 2023 = 174 bn DKK for the basket (003 L311-314)."])

# Pejlemaerke 4b: FDI stock in Denmark, pharmaceuticals (C21, a proxy for life
# science), DKK million (table DNFDIINI shape, the live catalogue's request:
# INDLBRANCHE x INSTRNAT x DATA). 2023 = 70.4 bn DKK is published (003 L2444).
fdi = {2015: 41200, 2016: 44000, 2017: 47500, 2018: 50100, 2019: 53800, 2020: 57000,
       2021: 61900, 2022: 66300, 2023: 70400, 2024: 72000}
dst("statbank-DNFDIINI.json", "DNFDIINI", "Foreign direct investments in Denmark by domestic industry",
    [("INDLBRANCHE", ["C21"]), ("INSTRNAT", ["2.0"]), ("DATA", ["S"]), ("ContentsCode", ["DNFDIINI"]),
     ("Tid", [str(y) for y in fdi])],
    list(fdi.values()), ["Published: 2023 = 70.4 bn DKK (003 L2444)."])

# Context: employment, pharmaceuticals (NABB69 shape, the live catalogue's
# request: SOCIO x BRANCHE). 2021 = 63,000 is published for all of life
# science ("over 63,000", 003 L330-335); 2010 = 63,000 / 1.43 (+43 %).
emp = {2010: 44056, 2012: 46900, 2014: 49800, 2016: 53400, 2017: 55100, 2018: 57000,
       2019: 59200, 2020: 61000, 2021: 63000}
dst("statbank-NABB69.json", "NABB69", "Employment (69-grouping)",
    [("SOCIO", ["EMPM_DC"]), ("BRANCHE", ["V21000"]), ("ContentsCode", ["NABB69"]),
     ("Tid", [str(y) for y in emp])],
    list(emp.values()), ["Published: 2021 = 63,000 FTE (003 L330-335); 2010 derived from +43 %."])

# Context: population of Denmark, quarterly (table FOLK1A shape, 2015K1 ...).
tid = [f"{y}K{q}" for y in range(2015, 2026) for q in range(1, 5) if (y, q) <= (2025, 3)]
dst("statbank-FOLK1A.json", "FOLK1A", "Population on the first day of the quarter",
    [("OMR\u00c5DE", ["000"]), ("ContentsCode", ["FOLK1A"]), ("Tid", tid)],
    [round(5700000 * 1.0014 ** i) for i in range(len(tid))])

# Pejlemaerke 4a: production index, pharmaceuticals, 2021=100, seasonally adjusted
# (Eurostat sts_inpr_m shape: freq x indic_bt x nace_r2 x s_adj x unit x geo x time).
tid = [t.replace("M", "-") for t in months(2021, 2025, 9)]
vals, stat = {}, {}
for i, t in enumerate(tid):
    if i < len(tid) - 1:      # the newest month is in positions-with-no-data
        vals[i] = round(100 * math.exp(0.0085 * i) + 3.0 * math.sin(i / 2.7), 1)
    if i >= len(tid) - 3:
        stat[i] = "p"
eurostat("eurostat-sts_inpr_m.json", "Production in industry - monthly data",
         [("freq", ["M"]), ("indic_bt", ["PRD"]), ("nace_r2", ["C21"]), ("s_adj", ["SCA"]),
          ("unit", ["I21"]), ("geo", ["DK"]), ("time", tid)], vals, stat)

# Pejlemaerke 1: enterprises born in t-3 that survived to t, pharmaceuticals
# (Eurostat bd_9bd_sz_cl_r2 shape, the live catalogue's request: indic_sb
# V11943, nace_r2 C21, sizeclas TOTAL, 16 countries, 2015-2020; the UK has
# no 2020 value, as in Eurostat), and population on 1 January (demo_pjan
# shape) for the per-million figures. Nothing here is published.
PANEL = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "EL", "IE", "IT", "LU", "NL", "PT", "SE", "UK", "CH"]
YEARS = [str(y) for y in range(2015, 2021)]
pop = {"AT": 8.6, "BE": 11.2, "DE": 81.2, "DK": 5.66, "ES": 46.4, "FI": 5.47, "FR": 66.4, "EL": 10.9,
       "IE": 4.6, "IT": 60.8, "LU": 0.56, "NL": 16.9, "PT": 10.4, "SE": 9.7, "UK": 64.9, "CH": 8.2}
per_million = {"AT": 0.9, "BE": 1.6, "DE": 0.7, "DK": 2.1, "ES": 0.5, "FI": 0.8, "FR": 0.6, "EL": 0.4,
               "IE": 2.6, "IT": 0.5, "LU": 3.6, "NL": 1.2, "PT": 0.4, "SE": 1.0, "UK": 1.3, "CH": 2.3}
survivors, population = {}, {}
for g, geo in enumerate(PANEL):
    for t, year in enumerate(YEARS):
        if geo == "UK" and year == "2020":
            continue          # left the EU: no 2020 in Eurostat
        k = g * len(YEARS) + t
        grow = 1 + 0.004 * t
        population[k] = round(pop[geo] * 1e6 * grow)
        survivors[k] = round(per_million[geo] * (1 + 0.05 * t) * pop[geo] * grow)
eurostat("eurostat-bd_9bd_sz_cl_r2.json", "Business demography by size class (from 2004 onwards, NACE Rev. 2)",
         [("freq", ["A"]), ("indic_sb", ["V11943"]), ("nace_r2", ["C21"]), ("sizeclas", ["TOTAL"]),
          ("geo", PANEL), ("time", YEARS)], survivors, {})
eurostat("eurostat-demo_pjan.json", "Population on 1 January by age and sex",
         [("freq", ["A"]), ("unit", ["NR"]), ("age", ["TOTAL"]), ("sex", ["T"]),
          ("geo", PANEL), ("time", YEARS)], population, {})
