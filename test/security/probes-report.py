#!/usr/bin/env python3
"""
Writes a table of every hostile probe and its result from a verbose pgTAP run
(PGTAP_VERBOSE=1 npx ts-node --transpile-only test/run-pgtap.ts test/sql/security/hostile/)
and a vitest run of test/security/hostile-sessions.test.ts, both saved to files:
  python3 test/security/probes-report.py pgtap.txt vitest.txt "<title>" > report.md
"""
import re
import sys

pgtap_file, vitest_file, title = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(pgtap_file).read().split('\n')
results, order, cur, last = {}, [], None, None
for l in lines:
    m = re.match(r'^\S*(test/sql/security/hostile/\S+\.test\.sql) \.+ ?$', l)
    if m:
        cur = m.group(1); order.append(cur); results[cur] = []; last = None; continue
    m = re.match(r'^(not ok|ok) (\d+) - (.*)$', l)
    if m and cur:
        last = [m.group(1), m.group(2), m.group(3), '']; results[cur].append(last); continue
    if last is None or last[0] != 'not ok' or last[3]:
        continue
    if re.match(r'^#\s+caught: no exception', l):
        last[3] = 'accepted (no error)'; continue
    m = re.match(r'^#\s+(?:caught|died): (\w+)', l)
    if m:
        last[3] = 'refused with ' + m.group(1); continue
    m = re.match(r'^#\s+have: (.*)$', l)
    if m:
        last[3] = 'got ' + m.group(1)[:70]; continue
    if re.match(r'^#\s+(Unexpected records|Results differ)', l):
        last[3] = l.lstrip('# ').strip()

total = failed = 0
out = [f'# {title}', '']
for f in order:
    out += [f'## `{f.split("/")[-1]}`', '', '| # | probe | result |', '|---|---|---|']
    for st, n, d, why in results[f]:
        total += 1
        ok = st == 'ok'
        failed += not ok
        out.append(f'| {n} | {d.replace("|", "/")} | {"pass" if ok else "**FAIL** — " + (why or "see the run")} |')
    out.append('')
v = open(vitest_file).read()
out += ['## `hostile-sessions.test.ts` (vitest, real connections)', '', '| probe | result |', '|---|---|']
for m in re.finditer(r'^\s+([✓×]) (.*?)(?: \d+ms)?\n(?:\s+→ (.*)\n)?', v, re.M):
    ok = m.group(1) == '✓'
    total += 1
    failed += not ok
    why = (m.group(3) or '').strip().replace('|', '/')
    out.append(f'| {m.group(2).replace("|", "/")} | {"pass" if ok else "**FAIL** — " + why} |')
out += ['', f'{total} probes, {failed} failed.']
print('\n'.join(out))
