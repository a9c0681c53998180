"""Benchmark recognition on a generated corpus of scanned case files.

The corpus (cached under .cache/bench-recognition/) holds whole volumes of every kind
(cover, catalog over one or more pages, documents, continuation pages, blank backs,
backup sheet) and single documents of every FORMS.md type, in several fonts, layouts,
numeral and bracket styles, with seals, noise, skew, rotation, 200–400 dpi, written as
PDF, TIFF or a folder of JPEGs.

Modes:
  extract  call scanning.extract.extract() on each scan file (the real path, default)
  cli      run `ecase extract FILE --format json` on each scan file
  oracle   recognition alone: OCR the generator's upright pages (cached by image hash),
           to measure recognition without cleanup errors

Prints per-type document F1 (type and first page must match), field accuracy (exact
match after normalisation, over the fields of matched documents; catalog rows count one
per row field; ○ and 〇, one glyph on paper, compare equal), rotation and blank accuracy,
seconds per page; the last line is key=value.

--names also runs recognition a second time on the same pages with a lexicon of known
names (scanning.recognition.lexicon), as a bureau would configure its own: the *pool* of
names the synthetic bureaus can have (every city × district of scanning/synthetic/facts.py
made into the bureau, procuratorate, court, government and detention centre names, the
police number heads 青东公…, the review bodies' heads 青川东河政复决…, the court numbers'
place characters), 100 bureaus, never one scan's truth. ``field_acc`` stays the figure
without names (comparable with earlier runs); the last line adds ``field_acc_names`` (with
them), ``names_fixed`` (fields wrong without, right with) and ``names_broke`` (right
without, wrong with).

--families tuned|held|all (default all) draws the corpus from the template families of that
split (scanning.synthetic.families): ``tuned`` are the templates readers may be tuned on,
``held`` the held-out ones nobody tunes on (other provinces' templates). Each scan's family
is picked from its seed within its split. The tuned corpus is the 34 scans above; the held
corpus is 34 more (other seeds, same kinds, damage levels and formats); ``all`` interleaves
the two (t-vol00, h-vol00, t-vol01, ...) so ``--limit N`` takes from both. Every figure is
printed for the whole corpus (the keys of earlier runs: doc_f1, field_acc, rotation_acc,
field_acc_names ...) and for each split (``field_acc_tuned``, ``field_acc_held``,
``field_acc_names_tuned``, ``field_acc_names_held``, ``rotation_tuned``, ``rotation_held``,
``doc_f1_tuned``, ``doc_f1_held``, ``sec_per_page_tuned``, ``sec_per_page_held``), and field
accuracy per family. Figures of the v3 corpus (before families) are not comparable.

--family NAME draws 34 scans (the tuned corpus's kinds, other seeds) all in one *tuned* family,
a development set for that family's layout; a held family is refused.

--engine NAME reads with that OCR engine (scanning.ocr: tesseract, ppocr; default the
ECASE_OCR_ENGINE environment variable, else tesseract); the last line names it.

    .venv/bin/python bench/recognition.py [--mode extract|cli|oracle] [--engine NAME] [--jobs 2] [--limit N] [--names]
                                          [--families tuned|held|all]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanning.types import OCR_FORMAT  # noqa: E402
from scanning.synthetic import (  # noqa: E402
    DOCUMENT_TYPES, VOLUME_KINDS, make_case, make_damage, make_style, pick_family, render_volume, write_scan,
)

CACHE = ROOT / ".cache" / "bench-recognition"
CORPUS_VERSION = "v10"  # v4: template families (tuned and held scans); v5: the tuned family header_table, which moves the family each tuned seed picks; v6: a page too long for its body size drawn smaller, never off the sheet; v7: the tuned family national_form; v8: the tuned family filled_blanks; v9: the tuned families provincial_edition and boxed_pen_pairs (drawn by other hands, never tuned on before their first measure); v10: the tuned family carbon_copy (likewise)
SPLITS = ("tuned", "held")
#: where each split's seeds start: volumes at +0, single documents at +1000
SPLIT_SEEDS = {"tuned": 1000, "held": 5000}


def pool_names() -> list[str]:
    """Every name a synthetic bureau can print (see the module docstring), not one scan's."""
    from scanning.synthetic.facts import CITY_A, DISTRICT_A, make_case

    names: list[str] = []
    for c in CITY_A:
        names += [f"{c}市看守所", c[0]]  # the detention centre; the place of court numbers （2021）泺2785行初219号
        for d in DISTRICT_A:
            names += [f"{c}市公安局{d}区分局", f"{c}市{d}区人民检察院", f"{c}市{d}区人民法院", f"{c}市{d}区人民政府",
                      f"{c[0]}{d[0]}公", f"{c}{d}政复决"]
    facts = make_case(1)  # the generator's templates still give these names
    for name in (facts.authority, facts.procuratorate, facts.court, facts.review_body, facts.detention_center,
                 facts.abbrev + "公", facts.court_case_no[6]):
        assert name in names, f"bench pool of names out of date with scanning/synthetic/facts.py: {name}"
    return names


def split_plan(split: str) -> list[dict[str, Any]]:
    """34 scans of one split: 10 volumes (two of each kind) and 24 single documents."""
    plan: list[dict[str, Any]] = []
    formats = ["pdf", "tiff", "jpegs"]
    base, p = SPLIT_SEEDS[split], split[0]
    for i in range(10):
        seed = base + i
        plan.append({"name": f"{p}-vol{i:02d}", "seed": seed, "kind": VOLUME_KINDS[i % len(VOLUME_KINDS)],
                     "level": "heavy" if i % 5 == 3 else "normal", "format": formats[i % 3], "split": split,
                     "family": pick_family(seed, split)})
    for i in range(24):
        seed = base + 1000 + i
        plan.append({"name": f"{p}-doc{i:02d}", "seed": seed, "kind": DOCUMENT_TYPES[i % len(DOCUMENT_TYPES)],
                     "level": ("clean", "normal", "normal", "heavy")[i % 4], "format": formats[(i + 1) % 3], "split": split,
                     "family": pick_family(seed, split)})
    return plan


def family_plan(family: str) -> list[dict[str, Any]]:
    """34 scans of the tuned split drawn all in ``family`` (other seeds than the tuned corpus's):
    a development set for one template family. Held families are refused: nobody tunes on them."""
    from scanning.synthetic import families as fams

    if family not in fams.names("tuned"):
        raise SystemExit(f"--family takes a tuned family ({', '.join(fams.names('tuned'))}); held ones are not for tuning")
    plan = split_plan("tuned")
    return [{**e, "name": f"f{family}-{e['name'][2:]}", "seed": e["seed"] + 20000, "family": family} for e in plan]


def corpus_plan(families: str = "all") -> list[dict[str, Any]]:
    """The scans of ``families`` (a split or ``all``: both splits interleaved)."""
    if families.startswith("family:"):
        return family_plan(families.split(":", 1)[1])
    plans = [split_plan(s) for s in SPLITS if families in ("all", s)]
    if len(plans) == 1:
        return plans[0]
    return [e for pair in zip(*plans) for e in pair]


def build_corpus(limit: int | None, families: str = "all") -> list[dict[str, Any]]:
    out_dir = CACHE / CORPUS_VERSION
    out_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for entry in corpus_plan(families)[:limit]:
        ext = {"pdf": ".pdf", "tiff": ".tif", "jpegs": ""}[entry["format"]]
        path = out_dir / (entry["name"] + ext)
        truth_path = out_dir / (entry["name"] + ".truth.json")
        images_path = out_dir / (entry["name"] + ".images.pkl")
        if not truth_path.exists():
            facts = make_case(entry["seed"])
            scan = render_volume(facts, entry["kind"], make_style(entry["seed"]), make_damage(entry["seed"], entry["level"]),
                                 seed=entry["seed"], family=entry["family"])
            write_scan(scan, path, entry["format"])
            with open(images_path, "wb") as f:
                pickle.dump([(im.mode, im.size, im.tobytes()) for im in scan.images], f)
            truth_path.write_text(json.dumps(scan.truth, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"generated {path.name} ({entry['family']}): {len(scan.images)} pages", file=sys.stderr)
        items.append({**entry, "path": path, "truth": json.loads(truth_path.read_text(encoding="utf-8")),
                      "images": images_path})
    return items


#: Oracle mode's layout for each Tesseract psm it may be given.
PSM_LAYOUT = {3: "page", 6: "block", 7: "line"}


def engine_key() -> str:
    """What cached readings depend on: the OCR format, the engine and its version."""
    from scanning.ocr import get_engine

    engine = get_engine()
    return f"f{OCR_FORMAT}-{engine.name}-{engine.version()}".replace("/", "_").replace(" ", "_")


def run_oracle(item: dict[str, Any], psm: int, lexicons: tuple[Any, ...] = (None,)) -> list[dict[str, Any]]:
    """OCR the truth-upright pages (red seal suppressed as the pipeline does) and recognise."""
    from PIL import Image

    from scanning.extract import extract_pages
    from scanning.ocr import get_engine
    from scanning.types import PageResult

    try:
        from scanning.pages.seal import suppress_red
    except ImportError:  # pragma: no cover
        suppress_red = None
    ocr_cache = CACHE / "ocr"
    ocr_cache.mkdir(parents=True, exist_ok=True)
    with open(item["images"], "rb") as f:
        raw = pickle.load(f)
    pages = []
    for i, ((mode, size, data), tp) in enumerate(zip(raw, item["truth"]["pages"]), 1):
        if tp["blank"]:
            pages.append(PageResult(index=i, rotation=0, blank=True))
            continue
        im = Image.frombytes(mode, size, data)
        up = im.rotate(-tp["rotation"], expand=True) if tp["rotation"] else im
        key = hashlib.sha1(up.tobytes() + f"psm{psm}-{engine_key()}".encode()).hexdigest()
        cached = ocr_cache / f"{key}.pkl"
        if cached.exists():
            ocr = pickle.loads(cached.read_bytes())
        else:
            img = up.convert("RGB") if up.mode == "RGB" else up.convert("L")
            if suppress_red is not None and img.mode == "RGB":
                img = suppress_red(img)[0]
            ocr = get_engine().read(img.convert("L"), None, PSM_LAYOUT.get(psm, "block"))
            cached.write_bytes(pickle.dumps(ocr))
        pages.append(PageResult(index=i, rotation=tp["rotation"], skew_deg=tp["skew_deg"], ocr=ocr))
    return [extract_pages(pages, lexicon=lex) for lex in lexicons]


def run_item(item: dict[str, Any], mode: str, jobs: int | None, psm: int, reuse: bool = False,
             lexicons: tuple[Any, ...] = (None,)) -> list[dict[str, Any]]:
    """The extract JSON of one scan, once per lexicon given (None: without names)."""
    if mode == "oracle":
        return run_oracle(item, psm, lexicons)
    if mode == "cli":
        exe = Path(sys.executable).parent / "ecase"
        outs = []
        for lex in lexicons:
            cmd = [str(exe) if exe.exists() else "ecase", "extract", str(item["path"]), "--format", "json"]
            if jobs:
                cmd += ["--jobs", str(jobs)]
            if lex is not None:
                names_file = CACHE / "names-pool.txt"
                names_file.write_text("\n".join(lex.entries) + "\n", encoding="utf-8")
                cmd += ["--names", str(names_file)]
            out = subprocess.run(cmd, capture_output=True, check=True)
            outs.append(json.loads(out.stdout))
        return outs
    from scanning.extract import _page_results, extract_pages, scan_pages

    if not reuse:
        scanned = scan_pages([item["path"]], jobs=jobs)
        return [extract_pages(scanned, lexicon=lex) for lex in lexicons]
    # --reuse-pages: keep the pipeline's PageResults, so recognition changes re-run in seconds
    from scanning.pipeline import process_scan

    store = CACHE / "pages"
    store.mkdir(parents=True, exist_ok=True)
    cached = store / f"{item['name']}-{CORPUS_VERSION}-{engine_key()}.pkl"
    if cached.exists():
        pages = pickle.loads(cached.read_bytes())
    else:
        pages = _page_results(process_scan([item["path"]], jobs=jobs))
        cached.write_bytes(pickle.dumps(pages))
    refined = store / f"{item['name']}-{CORPUS_VERSION}-{engine_key()}-tables.pkl"
    if refined.exists():
        pages = pickle.loads(refined.read_bytes())
    else:  # the table re-read of extract(), on the scanned images turned as the pipeline turned them
        from PIL import Image

        from scanning.extract import reread_tables, upright

        with open(item["images"], "rb") as f:
            raw = pickle.load(f)

        def image_of(page: Any) -> Any:
            mode, size, data = raw[page.index - 1]
            img = Image.frombytes(mode, size, data)
            return upright(img.convert("L") if img.mode == "1" else img, page)

        reread_tables(pages, image_of)
        refined.write_bytes(pickle.dumps(pages))
    return [extract_pages(pages, lexicon=lex) for lex in lexicons]


#: Code points that print as one and the same glyph: no reader can tell which the paper holds
#: (the generator writes a year's zero as ○ U+25CB in some templates, 〇 U+3007 in others).
SAME_GLYPH = str.maketrans({"○": "〇"})


def same(got: Any, want: Any) -> bool:
    """Whether a field read equals its truth: exactly, strings compared glyph for glyph (SAME_GLYPH)."""
    if isinstance(got, str) and isinstance(want, str):
        return got.translate(SAME_GLYPH) == want.translate(SAME_GLYPH)
    return got == want


def score(items: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    fields_ok = fields_all = 0
    field_miss: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[tuple[str, str, Any, Any]] = []  # (scan, type.field, want, got)
    rot_ok = rot_all = blank_ok = blank_all = 0
    for item, res in zip(items, results):
        truth = item["truth"]
        got = {(d["type"], d["first_page"]): d for d in res["documents"]}
        want = {(d["type"], d["first_page"]): d for d in truth["documents"]}
        for key in set(got) | set(want):
            t = key[0]
            if key in got and key in want:
                per_type[t][0] += 1
            elif key in got:
                per_type[t][1] += 1
            else:
                per_type[t][2] += 1
        for key, wd in want.items():
            gd = got.get(key)
            if gd is None:
                continue
            for name, value in wd["fields"].items():
                if name == "entries":
                    rows = {e.get("seq"): e for e in gd["fields"].get("entries", [])}
                    for e in value:
                        g = rows.get(e["seq"], {})
                        for k, v in e.items():
                            ok = same(g.get(k), v)
                            if not ok:
                                misses.append((item["name"], f"catalog[{e['seq']}].{k}", v, g.get(k)))
                            fields_ok += ok
                            fields_all += 1
                            field_miss[f"catalog.{k}"][0] += ok
                            field_miss[f"catalog.{k}"][1] += 1
                    continue
                ok = same(gd["fields"].get(name), value)
                if not ok:
                    misses.append((item["name"], f"{key[0]}.{name}", value, gd["fields"].get(name)))
                fields_ok += ok
                fields_all += 1
                field_miss[f"{key[0]}.{name}"][0] += ok
                field_miss[f"{key[0]}.{name}"][1] += 1
        gp = {p["index"]: p for p in res["pages"]}
        for p in truth["pages"]:
            g = gp.get(p["index"], {})
            blank_all += 1
            blank_ok += g.get("blank") == p["blank"]
            if not p["blank"]:
                rot_all += 1
                rot_ok += g.get("rotation") == p["rotation"]
    tp = sum(v[0] for v in per_type.values())
    fp = sum(v[1] for v in per_type.values())
    fn = sum(v[2] for v in per_type.values())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"per_type": dict(per_type), "doc_f1": f1, "field_acc": fields_ok / max(fields_all, 1),
            "fields": fields_all, "rotation_acc": rot_ok / max(rot_all, 1), "blank_acc": blank_ok / max(blank_all, 1),
            "field_detail": dict(field_miss), "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("extract", "cli", "oracle"), default="extract")
    ap.add_argument("--engine", default=None, help="OCR engine (scanning.ocr): tesseract, ppocr; default ECASE_OCR_ENGINE")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None, help="only the first N scans of the corpus")
    ap.add_argument("--psm", type=int, default=int(os.environ.get("ECASE_BENCH_PSM", "6")), help="oracle mode's Tesseract psm")
    ap.add_argument("--only", default=None, help="only scans whose name starts with this")
    ap.add_argument("--fields", action="store_true", help="print accuracy per type.field")
    ap.add_argument("--misses", action="store_true", help="print every wrong field: scan, field, wanted, got")
    ap.add_argument("--reuse-pages", action="store_true",
                    help="extract mode: cache the pipeline's page results and re-run only recognition")
    ap.add_argument("--names", action="store_true",
                    help="also recognise with the pool of the synthetic bureaus' names as a lexicon (field_acc_names)")
    ap.add_argument("--families", choices=("tuned", "held", "all"), default="all",
                    help="template families the corpus is drawn from; all reports tuned and held apart")
    ap.add_argument("--family", default=None,
                    help="develop on one tuned family: 34 scans all drawn in it (other seeds); held families refused")
    args = ap.parse_args()
    if args.family:
        args.families = f"family:{args.family}"
    from scanning.ocr import ENGINE_ENV, get_engine

    if args.engine:  # the pipeline's worker processes and `ecase extract` read it too
        os.environ[ENGINE_ENV] = args.engine
    engine = get_engine()
    print(f"engine: {engine.name} {engine.version()}", file=sys.stderr)
    lexicons: tuple[Any, ...] = (None,)
    if args.names:
        from scanning.recognition.lexicon import Lexicon

        lexicons = (None, Lexicon.of(pool_names()))
    items = build_corpus(args.limit, args.families)
    if args.only:
        items = [i for i in items if i["name"].startswith(args.only)]
    pages = sum(len(i["truth"]["pages"]) for i in items)
    t0 = time.time()
    results, named, seconds = [], [], []
    for item in items:
        s = time.time()
        outs = run_item(item, args.mode, args.jobs, args.psm, args.reuse_pages, lexicons)
        results.append(outs[0])
        named.extend(outs[1:])
        seconds.append(time.time() - s)
        print(f"{item['name']} {item['kind']} [{item['family']}]: {len(item['truth']['pages'])} pages, {seconds[-1]:.1f}s", file=sys.stderr)
    elapsed = time.time() - t0
    sc = score(items, results)
    sn = score(items, named) if args.names else None
    print(f"{'type':28} {'tp':>4} {'fp':>4} {'fn':>4} {'f1':>6}")
    for t, (tp, fp, fn) in sorted(sc["per_type"].items()):
        print(f"{t:28} {tp:4d} {fp:4d} {fn:4d} {2 * tp / max(2 * tp + fp + fn, 1):6.3f}")
    if args.fields:
        for k, (ok, n) in sorted(sc["field_detail"].items()):
            ok_names = sn["field_detail"][k][0] if sn else ok
            if ok < n or ok_names < n:
                print(f"  field {k:40} {ok}/{n}" + (f"  with names {ok_names}/{n}" if sn else ""))
    if args.misses:
        still = {(m[0], m[1]) for m in sn["misses"]} if sn else None
        for name, fieldname, want, got in sc["misses"]:
            tag = "" if still is None else ("  [names: still wrong]" if (name, fieldname) in still else "  [names: right]")
            print(f"  miss {name} {fieldname}: want {want!r} got {got!r}{tag}")
    extra = ""
    if sn:
        before = Counter((m[0], m[1], repr(m[2])) for m in sc["misses"])
        after = Counter((m[0], m[1], repr(m[2])) for m in sn["misses"])
        if args.misses:
            for name, fieldname, want, got in sn["misses"]:
                if (name, fieldname, repr(want)) not in before:
                    print(f"  broken by names {name} {fieldname}: want {want!r} got {got!r}")
        fixed, broke = sum((before - after).values()), sum((after - before).values())
        extra = f" field_acc_names={sn['field_acc']:.4f} names_fixed={fixed} names_broke={broke}"
    extra += split_report(items, results, named if sn else None, seconds)
    print(f"scans={len(items)} pages={pages} mode={args.mode} engine={engine.name} families={args.families} "
          f"doc_f1={sc['doc_f1']:.4f} field_acc={sc['field_acc']:.4f} "
          f"fields={sc['fields']} rotation_acc={sc['rotation_acc']:.4f} blank_acc={sc['blank_acc']:.4f} "
          f"sec_per_page={elapsed / max(pages, 1):.3f}{extra}")


def split_report(items: list[dict[str, Any]], results: list[dict[str, Any]], named: list[dict[str, Any]] | None,
                 seconds: list[float]) -> str:
    """Print each split's and each family's figures; return the split keys for the last line."""
    keys = ""
    print(f"{'split':8} {'scans':>5} {'pages':>5} {'doc_f1':>7} {'fields':>6} {'field_acc':>9} {'names':>7} {'rotation':>8} {'s/page':>7}")
    for split in SPLITS:
        idx = [i for i, it in enumerate(items) if it["split"] == split]
        if not idx:
            continue
        part = [items[i] for i in idx]
        sc = score(part, [results[i] for i in idx])
        sn = score(part, [named[i] for i in idx]) if named is not None else None
        pages = sum(len(it["truth"]["pages"]) for it in part)
        spp = sum(seconds[i] for i in idx) / max(pages, 1)
        print(f"{split:8} {len(part):5d} {pages:5d} {sc['doc_f1']:7.4f} {sc['fields']:6d} {sc['field_acc']:9.4f} "
              f"{sn['field_acc'] if sn else float('nan'):7.4f} {sc['rotation_acc']:8.4f} {spp:7.3f}")
        keys += (f" field_acc_{split}={sc['field_acc']:.4f}" + (f" field_acc_names_{split}={sn['field_acc']:.4f}" if sn else "")
                 + f" rotation_{split}={sc['rotation_acc']:.4f} doc_f1_{split}={sc['doc_f1']:.4f} sec_per_page_{split}={spp:.3f}")
    for fam in sorted({it["family"] for it in items}, key=lambda f: (items[[i["family"] for i in items].index(f)]["split"], f)):
        idx = [i for i, it in enumerate(items) if it["family"] == fam]
        sc = score([items[i] for i in idx], [results[i] for i in idx])
        print(f"  family {fam:18} ({items[idx[0]]['split']}) scans={len(idx):3d} fields={sc['fields']:5d} "
              f"field_acc={sc['field_acc']:.4f} doc_f1={sc['doc_f1']:.4f}")
    return keys


if __name__ == "__main__":
    main()
