#!/usr/bin/env python3
# ruff: noqa  (verbatim copy of ../shared/bench/boilerplate/score.py)
"""Score line-level boilerplate removal against a benchmark file.

Usage:
    python3 score.py BENCH.jsonl PRED.jsonl [--split test] [--content-classes a,b,...]
                     [--missing error|keep|drop] [--json]

BENCH.jsonl : one page per line: {"id", "url", "lines": [{"text", "content", "cls"?}, ...], ...}
PRED.jsonl  : one page per line: {"id": str, "keep": [bool, ...]}   (one flag per benchmark line,
              true = the line is kept as article text, false = deleted as boilerplate)

Prints, pooled over all lines of all scored pages (micro average):
  * content class     (positive = kept):    precision, recall, F1
  * boilerplate class (positive = deleted): precision, recall, F1
  * the same six numbers weighted by line length in characters
  * share of pages with zero boilerplate lines left (among pages that have boilerplate), and
    share of pages that are perfect (no boilerplate left and no content line deleted)
  * page-averaged content F1 (macro over pages, characters)

--content-classes redefines the gold label from the per-line "cls" field, e.g.
  l3s-gn1:            --content-classes headline,fulltext,supplemental   (BoilerNet's mapping)
  googletrends-2017:  --content-classes title,subtitle,head,main         (strict: no byline/date)
Only standard-library Python is needed.
"""
import argparse
import json
import sys


def load_jsonl(path):
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit('%s:%d: bad JSON (%s)' % (path, n, e))


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    if p is None or r is None or p + r == 0:
        f = 0.0 if (p is not None or r is not None) else None
    else:
        f = 2 * p * r / (p + r)
    return p, r, f


def score(bench_pages, preds, content_classes=None, missing='error'):
    # counts[weighting][cell], cells: kc (kept content), kb (kept boilerplate),
    # dc (deleted content), db (deleted boilerplate)
    cnt = {'lines': dict(kc=0, kb=0, dc=0, db=0), 'chars': dict(kc=0, kb=0, dc=0, db=0)}
    pages = pages_with_bp = clean = perfect = 0
    macro_f = []
    problems = []
    for page in bench_pages:
        pid = page['id']
        lines = page['lines']
        if pid in preds:
            keep = preds[pid]
            if len(keep) != len(lines):
                problems.append('%s: %d predictions for %d lines' % (pid, len(keep), len(lines)))
                continue
        elif missing == 'keep':
            keep = [True] * len(lines)
        elif missing == 'drop':
            keep = [False] * len(lines)
        else:
            problems.append('%s: no prediction' % pid)
            continue
        pages += 1
        pc = dict(kc=0, kb=0, dc=0, db=0)
        nl = dict(kc=0, kb=0, dc=0, db=0)
        for line, k in zip(lines, keep):
            if content_classes is not None:
                gold = line.get('cls') in content_classes
            else:
                gold = bool(line['content'])
            cell = ('k' if k else 'd') + ('c' if gold else 'b')
            w = len(line['text'])
            cnt['lines'][cell] += 1
            cnt['chars'][cell] += w
            pc[cell] += w
            nl[cell] += 1
        if nl['kb'] + nl['db']:
            pages_with_bp += 1
            clean += nl['kb'] == 0
        perfect += nl['kb'] == 0 and nl['dc'] == 0
        f = prf(pc['kc'], pc['kb'], pc['dc'])[2]
        if f is not None:
            macro_f.append(f)
    if problems:
        sys.stderr.write('%d page(s) with problems:\n  %s\n' % (len(problems), '\n  '.join(problems[:20])))
        if missing == 'error' or any('predictions for' in p for p in problems):
            sys.exit(2)
    res = {'pages': pages, 'pages_with_boilerplate': pages_with_bp}
    for wname, c in cnt.items():
        res[wname] = {
            'content': dict(zip(('precision', 'recall', 'f1'), prf(c['kc'], c['kb'], c['dc']))),
            'boilerplate': dict(zip(('precision', 'recall', 'f1'), prf(c['db'], c['dc'], c['kb']))),
            'counts': c,
        }
    res['clean_pages_share'] = clean / pages_with_bp if pages_with_bp else None
    res['perfect_pages_share'] = perfect / pages if pages else None
    res['page_macro_content_f1_chars'] = sum(macro_f) / len(macro_f) if macro_f else None
    return res


def fmt(x):
    return '  n/a' if x is None else '%.3f' % x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('bench')
    ap.add_argument('pred')
    ap.add_argument('--split', help='score only pages whose "split" field equals this (e.g. test)')
    ap.add_argument('--content-classes', help='comma-separated "cls" values that count as content')
    ap.add_argument('--missing', choices=['error', 'keep', 'drop'], default='error',
                    help='pages without a prediction: error (default), or score as keep-all/drop-all')
    ap.add_argument('--json', action='store_true', help='print the result as JSON')
    a = ap.parse_args()

    bench = [p for p in load_jsonl(a.bench) if a.split is None or p.get('split') == a.split]
    if not bench:
        sys.exit('no pages selected')
    preds = {}
    for p in load_jsonl(a.pred):
        preds[p['id']] = [bool(x) for x in p['keep']]
    cc = set(a.content_classes.split(',')) if a.content_classes else None
    res = score(bench, preds, cc, a.missing)
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print('bench=%s pred=%s%s%s' % (a.bench, a.pred, ' split=%s' % a.split if a.split else '',
                                    ' content-classes=%s' % a.content_classes if cc else ''))
    print('pages=%d  lines=%d  chars=%d' % (res['pages'], sum(res['lines']['counts'].values()),
                                             sum(res['chars']['counts'].values())))
    print('%-8s %-12s %9s %9s %9s' % ('weight', 'class', 'precision', 'recall', 'F1'))
    for w in ('lines', 'chars'):
        for cl in ('content', 'boilerplate'):
            r = res[w][cl]
            print('%-8s %-12s %9s %9s %9s' % (w, cl, fmt(r['precision']), fmt(r['recall']), fmt(r['f1'])))
    print('pages with zero boilerplate lines left: %s  (of %d pages that have boilerplate)'
          % (fmt(res['clean_pages_share']), res['pages_with_boilerplate']))
    print('perfect pages (no boilerplate left, no content deleted): %s' % fmt(res['perfect_pages_share']))
    print('page-averaged content F1 (chars): %s' % fmt(res['page_macro_content_f1_chars']))


if __name__ == '__main__':
    main()
