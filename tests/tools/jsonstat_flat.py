#!/usr/bin/env python3
"""jsonstat_flat.py [--dataset NAME] FILE
   jsonstat_flat.py --each DIR FILE... — an independent JSON-stat reader
that prints every cell as `pejlctl inspect --flat` does: a header of the
dimension ids, value, status; then one row per cell in row-major order (last
dimension fastest), the category codes, the value (shortest of %.15g, %.16g,
%.17g that reads back; empty when missing) and the status.

Written from the JSON-stat 2.0 format and the reference toolkit's reading of
it (jsonstat-toolkit), not from pejl's C decoder, so that the two can be
compared cell by cell (tests/integration/inspect_flat.sh). It refuses (exit
1, a reason on stderr) what the decoder must refuse as ambiguous or not a
dataset; it need not say the same words. --each reads many files in one run:
the Nth (from 1) goes to DIR/N.csv, or DIR/N.refused with the reason.
"""
import json
import math
import re
import sys

NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
COMMA_NUMBER = re.compile(r"[+-]?[0-9][0-9.,]*[0-9]\Z")
DIGITS = re.compile(r"[0-9]+\Z")
ARRAY_INDEX = re.compile(r"(0|[1-9][0-9]{0,9})\Z")


class Refused(Exception):
    pass


def no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise Refused("duplicate key %r" % key)
        obj[key] = value
    return obj


def whole(x, index_like=False):
    """A size or a position: a whole number, or a string of digits."""
    if isinstance(x, bool):
        raise Refused("%r is not a whole number" % x)
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer()):
        if x < 0:
            raise Refused("%r is negative" % x)
        return int(x)
    if isinstance(x, str) and DIGITS.match(x):
        if index_like and len(x) > 1 and x[0] == "0":
            raise Refused("position %r" % x)
        return int(x)
    raise Refused("%r is not a whole number" % (x,))


def find_dataset(doc, name):
    if not isinstance(doc, dict):
        raise Refused("not an object")
    if doc.get("error") or "errorTypeCode" in doc:
        raise Refused("an error body")
    if isinstance(doc.get("warning"), dict) and "value" not in doc:
        raise Refused("a warning body")
    cls = doc.get("class")
    if cls == "collection":
        return embedded_dataset(doc, name)
    if cls == "dimension" or (cls is not None and cls not in ("dataset", "bundle")):
        raise Refused("class %r" % cls)
    if cls == "dataset" or (cls is None and ("value" in doc or "dimension" in doc)):
        return doc
    datasets = [(k, v) for k, v in doc.items()
                if isinstance(v, dict) and ("dimension" in v or "value" in v)]
    if name is not None:
        datasets = [(k, v) for k, v in datasets if k == name]
    if len(datasets) != 1:
        raise Refused("%d datasets" % len(datasets))
    inner = datasets[0][1]
    if inner.get("error") or "errorTypeCode" in inner:
        raise Refused("an error body")
    if inner.get("class", "dataset") != "dataset":
        raise Refused("inner class %r" % inner.get("class"))
    return inner


def embedded_dataset(collection, name):
    """The toolkit's Dataset() of a collection: items of class dataset that
    hold their dimensions; one, or the one whose href or label is `name`."""
    link = collection.get("link")
    items = link.get("item") if isinstance(link, dict) else None
    embedded = [item for item in items or []
                if isinstance(item, dict) and item.get("class") == "dataset" and "dimension" in item]
    if name is not None:
        embedded = [item for item in embedded if name in (item.get("href"), item.get("label"))]
    if len(embedded) != 1:
        raise Refused("%d embedded datasets" % len(embedded))
    return embedded[0]


def shape_member(ds, dimension, name):
    """2.0 has id and size at the top, 1.x inside "dimension"."""
    top = ds.get(name)
    inner = dimension.get(name)
    if not isinstance(inner, list):
        inner = None
    if top is not None and inner is not None and top != inner:
        raise Refused("%s differs between the top and dimension" % name)
    return top if top is not None else inner


def label_codes(labels):
    codes = list(labels)
    # JavaScript enumerates array-index keys first, ascending: where that is
    # not the written order, the order is ambiguous.
    numeric = [int(c) for c in codes if ARRAY_INDEX.match(c) and int(c) < 4294967295]
    js_order = sorted(numeric) + [c for c in codes
                                  if not (ARRAY_INDEX.match(c) and int(c) < 4294967295)]
    if [str(c) for c in js_order] != codes:
        raise Refused("label order ambiguous")
    return codes


def index_codes(index):
    if isinstance(index, list):
        codes = []
        for c in index:
            if isinstance(c, str):
                codes.append(c)
            elif isinstance(c, int) and not isinstance(c, bool):
                codes.append(str(c))
            elif isinstance(c, float) and c.is_integer() and abs(c) <= 2 ** 53:
                codes.append(str(int(c)))
            else:
                raise Refused("index entry %r" % (c,))
        if len(set(codes)) != len(codes):
            raise Refused("a code twice")
        return codes
    if isinstance(index, dict):
        codes = [None] * len(index)
        for code, position in index.items():
            at = whole(position, index_like=True)
            if at >= len(codes) or codes[at] is not None:
                raise Refused("position %r" % position)
            codes[at] = code
        return codes
    raise Refused("index neither array nor object")


def dimension_codes(definition):
    if not isinstance(definition, dict) or not isinstance(definition.get("category"), dict):
        raise Refused("no category")
    category = definition["category"]
    labels = category.get("label")
    if "index" in category:
        return index_codes(category["index"])
    if not isinstance(labels, dict):
        raise Refused("no index, and no label object")
    return label_codes(labels)


def number_of(text):
    text = text.strip(" ")
    if NUMBER.match(text):
        value = float(text)
        if math.isinf(value):
            raise Refused("out of range")
        return value
    if COMMA_NUMBER.match(text) and "," in text:
        raise Refused("comma number %r" % text)
    return None


def cell_keys(obj, n):
    for key, entry in obj.items():
        if not re.match(r"(0|[1-9][0-9]*)\Z", key) or int(key) >= n:
            raise Refused("cell key %r" % key)
        yield int(key), entry


def read_values(ds, n):
    values, statuses = [None] * n, [None] * n
    raw = ds.get("value")
    if raw is None or raw == []:
        return values, statuses
    if isinstance(raw, list):
        if len(raw) != n:
            raise Refused("%d values for %d cells" % (len(raw), n))
        entries = enumerate(raw)
    elif isinstance(raw, dict):
        entries = cell_keys(raw, n)
    else:
        raise Refused("value is %r" % type(raw))
    for cell, entry in entries:
        if isinstance(entry, bool) or isinstance(entry, (list, dict)):
            raise Refused("value %r" % (entry,))
        if isinstance(entry, (int, float)):
            values[cell] = float(entry)
            if math.isinf(values[cell]):
                raise Refused("out of range")
        elif isinstance(entry, str):
            values[cell] = number_of(entry)
            if values[cell] is None and entry != "":
                statuses[cell] = entry
    return values, statuses


def status_entry(entry, codes):
    if entry is None or entry == "":
        return None
    if isinstance(entry, str):
        return entry
    if isinstance(entry, (int, float)) and not isinstance(entry, bool) and codes is not None:
        if float(entry).is_integer() and 0 <= entry < len(codes):
            return codes[int(entry)] or None
    raise Refused("status entry %r" % (entry,))


def read_statuses(raw, statuses, codes=None, wrapped=False):
    n = len(statuses)
    if raw is None:
        return
    if isinstance(raw, dict) and "value" in raw and not wrapped:
        category = raw.get("category") or {}
        index = category.get("index") if isinstance(category, dict) else None
        read_statuses(raw["value"], statuses, index_codes(index) if index is not None else None,
                      wrapped=True)
        return
    if isinstance(raw, str) or (isinstance(raw, list) and len(raw) == 1 and n > 1):
        one = status_entry(raw if isinstance(raw, str) else raw[0], codes)
        if one is not None:
            statuses[:] = [one] * n
        return
    if isinstance(raw, list):
        if len(raw) != n:
            raise Refused("%d statuses for %d cells" % (len(raw), n))
        entries = enumerate(raw)
    elif isinstance(raw, dict):
        entries = cell_keys(raw, n)
    else:
        raise Refused("status is %r" % type(raw))
    for cell, entry in entries:
        status = status_entry(entry, codes)
        if status is not None:
            statuses[cell] = status


def decode(doc, name):
    ds = find_dataset(doc, name)
    dimension = ds.get("dimension")
    if not isinstance(dimension, dict):
        raise Refused("no dimension object")
    ids = shape_member(ds, dimension, "id")
    sizes = shape_member(ds, dimension, "size")
    if not isinstance(ids, list) or not ids or (sizes is not None and len(sizes) != len(ids)):
        raise Refused("id/size")
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
        raise Refused("ids")
    dims = []
    for i, dim_id in enumerate(ids):
        codes = dimension_codes(dimension.get(dim_id))
        if sizes is not None and whole(sizes[i]) != len(codes):
            raise Refused("size of %s differs from its categories" % dim_id)
        dims.append((dim_id, codes))
    n = 1
    for _, codes in dims:
        n *= len(codes)
    if n > 100000000:
        raise Refused("too many cells")
    values, statuses = read_values(ds, n)
    read_statuses(ds.get("status"), statuses)
    return dims, values, statuses


def field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def number_text(value):
    for precision in (15, 16, 17):
        text = "%.*g" % (precision, value)
        if float(text) == value:
            return text
    return text


def rows(dims, values, statuses):
    yield ",".join([field(d) for d, _ in dims] + ["value", "status"])
    positions = [0] * len(dims)
    for cell in range(len(values)):
        parts = [field(codes[positions[d]]) for d, (_, codes) in enumerate(dims)]
        parts.append("" if values[cell] is None else number_text(values[cell]))
        parts.append("" if statuses[cell] is None else field(statuses[cell]))
        yield ",".join(parts)
        for d in reversed(range(len(dims))):
            positions[d] += 1
            if positions[d] < len(dims[d][1]):
                break
            positions[d] = 0


def flat(path, name):
    """The CSV text of the document at `path`; raises Refused and the like."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8-sig")
    doc = json.loads(text, object_pairs_hook=no_duplicates)
    return "".join(row + "\n" for row in rows(*decode(doc, name)))


FAILURES = (Refused, ValueError, UnicodeDecodeError, RecursionError)


def main(argv):
    if len(argv) >= 3 and argv[1] == "--each":
        for n, path in enumerate(argv[3:], 1):
            try:
                with open("%s/%d.csv" % (argv[2], n), "w") as out:
                    out.write(flat(path, None))
            except FAILURES as e:
                with open("%s/%d.refused" % (argv[2], n), "w") as out:
                    out.write("%s\n" % e)
        return 0
    name = None
    if len(argv) == 4 and argv[1] == "--dataset":
        name, path = argv[2], argv[3]
    elif len(argv) == 2:
        path = argv[1]
    else:
        sys.stderr.write(__doc__)
        return 64
    try:
        sys.stdout.write(flat(path, name))
    except FAILURES as e:
        sys.stderr.write("jsonstat_flat: %s: %s\n" % (path, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
