"""`make mutation`: mutation testing of every rules module, with its score and survivors.

    python tools/mutation.py                  # every rules module (roughly an hour)
    python tools/mutation.py workdays org     # some modules (an app, or a dotted module)
    python tools/mutation.py --report         # only report the last run (mutants/)

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the project into `mutants/`,
changes each function of the rules modules one small way at a time (a `<` for a `<=`, a
constant plus one, an `and` for an `or`...) and runs the pure rules tests that reach the
function. A mutant the tests notice is killed; one they miss survives. This prints, per
module, the mutants killed out of those tested and the score, then every survivor with its
diff. A survivor is explained when docs/testing.md names it (in backquotes) in its list of
equivalent mutants, with why no test can tell it from the original. The command fails when
a module scores under 95 % or a survivor is not explained.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "testing.md"
THRESHOLD = 95.0
# mutmut's outcome per exit code (mutmut.stats.status_by_exit_code), folded into four.
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
SKIPPED = {"skipped"}
DOCUMENTED = re.compile(r"`(bagalau\.[^`\s]+__mutmut_\d+)`")


@dataclass
class Module:
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    survivors: list[tuple[str, str]] = field(default_factory=list)  # (mutant, status)

    @property
    def tested(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in SKIPPED)

    @property
    def killed(self) -> int:
        return sum(n for status, n in self.counts.items() if status in KILLED)

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.tested if self.tested else 100.0


def module_patterns(names: list[str]) -> list[str]:
    """`workdays` → bagalau.workdays.rules*, `evaluations.rules.kpi` → bagalau.evaluations.rules.kpi.*"""
    patterns = []
    for name in names:
        dotted = name if name.startswith("bagalau.") else f"bagalau.{name}"
        if ".rules" not in dotted:
            dotted += ".rules"
        patterns.append(dotted + ("*" if dotted.endswith(".rules") else ".*"))
    return patterns


def run_mutmut(patterns: list[str], children: int) -> int:
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *patterns]
    print("$", " ".join(command[2:]), flush=True)
    return subprocess.call(command, cwd=ROOT)  # noqa: S603 (mutmut, our own arguments)


def collect(patterns: list[str]) -> dict[str, Module]:
    """Read mutmut's results (mutants/**/*.meta) into modules."""
    os.chdir(ROOT)
    from fnmatch import fnmatch

    from mutmut.__main__ import SourceFileMutationData, walk_mutatable_files
    from mutmut.stats import status_by_exit_code

    modules: dict[str, Module] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for key, code in data.exit_code_by_key.items():
            if patterns and not any(fnmatch(key, p) for p in patterns):
                continue
            name = ".".join(Path(path).with_suffix("").parts)
            module = modules.setdefault(name, Module(name))
            status = status_by_exit_code[code]
            module.counts[status] += 1
            if status not in KILLED | SKIPPED:
                module.survivors.append((key, status))
    return dict(sorted(modules.items()))


def diff_of(mutant: str) -> str:
    from mutmut.__main__ import find_mutant, get_diff_for_mutant

    try:
        return get_diff_for_mutant(mutant, path=find_mutant(mutant).path)
    except Exception as exc:  # a mutant of a function changed since the run
        return f"(no diff: {exc})"


def report(modules: dict[str, Module], *, diffs: bool) -> int:
    explained = (
        set(DOCUMENTED.findall(DOCS.read_text(encoding="utf-8"))) if DOCS.exists() else set()
    )
    failing = 0
    print(f"\n{'module':<44} {'killed':>7} {'tested':>7} {'score':>7}  survivors")
    for module in modules.values():
        unexplained = [m for m, _s in module.survivors if m not in explained]
        low = module.score < THRESHOLD
        failing += low or bool(unexplained)
        flag = " (under 95%)" if low else ""
        print(
            f"{module.name:<44} {module.killed:>7} {module.tested:>7} {module.score:>6.1f}%  "
            f"{len(module.survivors)} ({len(module.survivors) - len(unexplained)} explained){flag}"
        )
    total_killed = sum(m.killed for m in modules.values())
    total_tested = sum(m.tested for m in modules.values())
    if total_tested:
        print(
            f"{'all':<44} {total_killed:>7} {total_tested:>7} {100 * total_killed / total_tested:>6.1f}%"
        )
    for module in modules.values():
        for mutant, status in module.survivors:
            mark = "explained in docs/testing.md" if mutant in explained else "NOT EXPLAINED"
            print(f"\n# {mutant}: {status}, {mark}")
            if diffs and mutant not in explained:
                print(diff_of(mutant))
    print(
        "\nmutation: "
        + (
            "every module at 95% or more, every survivor explained"
            if not failing
            else f"{failing} module(s) to mend"
        )
    )
    return 1 if failing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="apps or dotted rules modules (default: all)")
    parser.add_argument("--report", action="store_true", help="report the last run only")
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    patterns = module_patterns(args.modules)
    if not args.report:
        code = run_mutmut(patterns, args.children)
        if code not in (0, 1):
            print(f"mutmut stopped with exit code {code}")
            return code
    modules = collect(patterns)
    if not modules:
        print("no mutants: run without --report first")
        return 1
    return report(modules, diffs=not args.no_diffs)


if __name__ == "__main__":
    sys.exit(main())
