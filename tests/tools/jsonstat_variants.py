#!/usr/bin/env python3
"""jsonstat_variants.py DIR FILE... — writes the JSON-stat dataset in each
FILE (a real, recorded response) again in each liberal form the reference
toolkit reads, one file per form, as DIR/N/<form>.json for the Nth FILE
(from 1); each must decode to the very cells FILE does
(tests/integration/inspect_flat.sh). DIR/N/forms lists the forms written,
one a line. A form that cannot hold the document (label-only categories
whose order JavaScript would change) is left out.

Forms: sizes-as-strings, positions-as-strings, index-swapped (array <->
object), label-only, status-wrapped, status-positions, values-as-strings,
no-size, 1x-wrapped (id, size, role inside "dimension", in {"dataset":…}),
collection-embedded (an item of a 2.0 collection, beside a link).
"""
import copy
import json
import os
import re
import sys

ARRAY_INDEX = re.compile(r"(0|[1-9][0-9]{0,9})\Z")


def dataset_of(doc):
    if "dimension" in doc:
        return doc, None
    (name, inner), = [(k, v) for k, v in doc.items() if isinstance(v, dict) and "dimension" in v]
    return inner, name


def place(ds, name):
    """Where id/size/role live: the top (2.0) or inside "dimension" (1.x)."""
    return ds if name in ds else ds["dimension"]


def ids_of(ds):
    return place(ds, "id")["id"]


def codes_of(category):
    index = category.get("index")
    if index is None:
        return list(category["label"])
    if isinstance(index, list):
        return list(index)
    return sorted(index, key=lambda code: index[code])


def categories(ds):
    return [ds["dimension"][i]["category"] for i in ids_of(ds)]


def sizes_as_strings(ds):
    holder = place(ds, "size")
    holder["size"] = [str(n) for n in holder["size"]]


def positions_as_strings(ds):
    for category in categories(ds):
        category["index"] = {code: str(at) for at, code in enumerate(codes_of(category))}


def index_swapped(ds):
    for category in categories(ds):
        codes = codes_of(category)
        if isinstance(category.get("index"), list):
            category["index"] = {code: at for at, code in enumerate(codes)}
        else:
            category["index"] = codes


def js_order_kept(codes):
    numbers = [c for c in codes if ARRAY_INDEX.match(c) and int(c) < 4294967295]
    return codes[:len(numbers)] == sorted(numbers, key=int)


def label_only(ds):
    for category in categories(ds):
        codes = codes_of(category)
        labels = category.get("label") or {}
        if not js_order_kept(codes):
            return False
        category["label"] = {code: labels.get(code, code) for code in codes}
        category.pop("index", None)
    return True


def plain_status(ds):
    """The statuses, out of the {"value": …, "category": …} an older
    Eurostat service wraps them in."""
    status = ds.get("status")
    return status["value"] if isinstance(status, dict) and "value" in status else status


def dense_statuses(ds, n):
    status = plain_status(ds)
    if status is None:
        return None
    if isinstance(status, str):
        return [status] * n
    if isinstance(status, list):
        return status * n if len(status) == 1 else list(status)
    dense = [None] * n
    for key, value in status.items():
        dense[int(key)] = value
    return dense


def cell_count(ds):
    n = 1
    for category in categories(ds):
        n *= len(codes_of(category))
    return n


def status_wrapped(ds):
    if "status" not in ds or plain_status(ds) is not ds["status"]:
        return False
    ds["status"] = {"value": ds["status"], "category": {"label": {"p": "provisional"}}}
    return True


def status_positions(ds):
    dense = dense_statuses(ds, cell_count(ds))
    if dense is None:
        return False
    symbols = sorted({s for s in dense if s})
    ds["status"] = {"value": [symbols.index(s) if s else None for s in dense],
                    "category": {"index": symbols}}
    return True


def values_as_strings(ds):
    value = ds["value"]
    as_text = lambda v: repr(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    if isinstance(value, list):
        ds["value"] = [as_text(v) for v in value]
    else:
        ds["value"] = {k: as_text(v) for k, v in value.items()}


def no_size(ds):
    place(ds, "size").pop("size")


def wrapped_1x(ds):
    for name in ("id", "size", "role"):
        if name in ds:
            ds["dimension"][name] = ds.pop(name)
    ds.pop("version", None)
    ds.pop("class", None)
    return {"dataset": ds}


def collection_embedded(ds):
    ds["class"] = "dataset"
    return {"version": "2.0", "class": "collection", "label": "one embedded, one linked",
            "link": {"item": [{"class": "dataset", "href": "https://example.org/linked.json"}, ds]}}


FORMS = {
    "sizes-as-strings": sizes_as_strings,
    "positions-as-strings": positions_as_strings,
    "index-swapped": index_swapped,
    "label-only": label_only,
    "status-wrapped": status_wrapped,
    "status-positions": status_positions,
    "values-as-strings": values_as_strings,
    "no-size": no_size,
    "1x-wrapped": wrapped_1x,
    "collection-embedded": collection_embedded,
}


def write_variants(out_dir, path):
    with open(path, encoding="utf-8-sig") as f:
        doc = json.load(f)
    os.makedirs(out_dir)
    written = []
    for form, change in FORMS.items():
        variant = copy.deepcopy(doc)
        ds, _ = dataset_of(variant)
        result = change(ds)
        if result is False:
            continue
        if isinstance(result, dict):
            variant = result
        with open("%s/%s.json" % (out_dir, form), "w", encoding="utf-8") as f:
            json.dump(variant, f, ensure_ascii=False)
        written.append(form)
    with open("%s/forms" % out_dir, "w") as f:
        f.write("".join(form + "\n" for form in written))


def main(argv):
    for n, path in enumerate(argv[2:], 1):
        write_variants("%s/%d" % (argv[1], n), path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
