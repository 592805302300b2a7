#!/usr/bin/env python3
"""Every relative markdown link in README.md and docs/**/*.md must resolve to a tracked file (anchors are not checked)."""
import os, re, subprocess, sys
root = subprocess.run(['git', 'rev-parse', '--show-toplevel'], capture_output=True, text=True).stdout.strip()
os.chdir(root)
tracked = set(subprocess.run(['git', 'ls-files'], capture_output=True, text=True).stdout.split('\n'))
dirs = {os.path.dirname(p) for p in tracked}
while True:
    more = {os.path.dirname(d) for d in dirs} - dirs
    if not more: break
    dirs |= more
link = re.compile(r'\]\(([^)\s]+)\)')
bad = 0
for f in sorted(p for p in tracked if p == 'README.md' or (p.startswith('docs/') and p.endswith('.md'))):
    text = open(f, encoding='utf-8').read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    for t in link.findall(text):
        if re.match(r'^[a-z]+:', t) or t.startswith('#'): continue
        p = os.path.normpath(os.path.join(os.path.dirname(f), t.split('#')[0]))
        if p not in tracked and p not in dirs:
            print(f'{f}: {t}'); bad += 1
print(f'{bad} broken link(s)', file=sys.stderr)
sys.exit(1 if bad else 0)
