"""Output for people: the terminal views, drawn with Rich (only ``newsearch/output/`` imports Rich).

Article text is untrusted. It is never formatted into Rich markup (it goes
into ``Text`` objects), and control characters — ESC, which starts colour,
cursor, hyperlink and clipboard sequences, and the other C0/C1 controls and
bidi overrides — are shown as visible escapes before anything is printed.
"""

from __future__ import annotations

import os
import sys

from newsearch.output.color import color_options
from newsearch.output.safe import display_path, inert, one_line


def console(stderr: bool = False):
    """A Console for people: never interprets article text; wraps lines only on a real terminal.

    Piped into a file, ``less`` or ``grep`` (ripgrep's rule), a line is a line:
    no hard wrap at 80 columns breaking paths in the middle.
    """
    import shutil

    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            """The reader went away (``| head``): stop quietly, with success, like other Unix tools."""
            self.quiet = True
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.file.fileno())  # no second error at exit
            except (OSError, ValueError, AttributeError):
                pass
            raise SystemExit(0)

    stream = sys.stderr if stderr else sys.stdout
    wraps = bool(getattr(stream, "isatty", lambda: False)())
    # markup/emoji/highlight off: nothing in article text is interpreted; soft_wrap: no hard wrap when piped.
    out = _Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=not wraps, **color_options())
    if out.width < 20:  # COLUMNS=0 or nonsense: the terminal's width, or 80
        out.width = max(20, shutil.get_terminal_size((80, 24)).columns)
    out.wraps = wraps  # type: ignore[attr-defined]
    return out


def _wraps(out) -> bool:
    return getattr(out, "wraps", out.is_terminal)


def print_results(result, out=None) -> None:
    """The terminal view of a SearchResult."""
    from rich.text import Text

    out = out or console()
    about = "" if getattr(result, "total_exact", True) else "about "
    count = f"{about}{result.total:,} hit" + ("" if result.total == 1 else "s")
    header = Text.assemble((count, "bold"), " for ", (one_line(result.query), "bold"), f" ({result.took_ms:.0f} ms)")
    out.print(header)
    if result.suggestion:
        out.print(Text.assemble("Did you mean: ", (one_line(result.suggestion), "bold yellow"), "?"))
    for hit in result.hits:
        out.print()
        _print_hit(out, hit)
    if result.facets:
        for facet, counts in result.facets.items():
            out.print()
            out.print(Text(f"By {facet}:", style="bold"))
            for name, n in counts.items():
                out.print(Text.assemble(f"  {n:>6,}  ", one_line(name)))
    shown = len(result.hits)
    if result.total > (result.hits[-1].rank if result.hits else 0) and shown:
        out.print()
        out.print(Text(f"Showing {result.hits[0].rank}–{result.hits[-1].rank} of {about}{result.total:,};"
                       " use --limit/--offset for more.", style="dim"))


def _print_hit(out, hit) -> None:
    from rich.text import Text

    label = f"{hit.rank:>2}. "
    title = Text(one_line(hit.title) or "(untitled)", style="bold")
    lines = title.wrap(out, max(20, out.width - len(label))) if _wraps(out) else [title]
    for number, line in enumerate(lines):  # a long title wraps under its own first letter, not to column 0
        line.rstrip()
        start = Text(label, style="bold cyan") if number == 0 else Text(" " * len(label))
        out.print(Text.assemble(start, line), soft_wrap=True)
    details = Text()
    source, author = one_line(hit.source), one_line(hit.author)
    if source and author.startswith(source):  # "TRO · TRO Staff" says it twice
        source = ""
    meta = [m for m in (hit.date and hit.date[:10], source, author) if m]
    if meta:
        details.append(" · ".join(meta) + "\n", style="green")
    if hit.snippet:
        details.append_text(highlighted(hit.snippet, hit.highlights))
        details.append("\n")
    if hit.duplicates:
        also = ", ".join(one_line(d.get("source") or display_path(d.get("path", ""))) for d in hit.duplicates)
        details.append(f"also in: {also}\n", style="dim")
    details.append(f"{inert(hit.id)}  {display_path(hit.path)}", style="dim")
    _print_indented(out, details)


def _print_indented(out, text, indent: int = 4) -> None:
    """Wrap ``text`` to the console width less ``indent`` (on a terminal; piped, each line whole);
    no trailing padding (unlike rich.padding)."""
    from rich.text import Text

    lines = text.wrap(out, max(20, out.width - indent)) if _wraps(out) else text.split("\n")
    for line in lines:
        line.rstrip()
        out.print(Text(" " * indent) + line, soft_wrap=True)


def highlighted(snippet: str, spans: list[tuple[int, int]]):
    """A Text of ``snippet`` with ``spans`` styled; controls made inert piecewise so spans stay aligned."""
    from rich.text import Text

    text = Text()
    cursor = 0
    for start, end in spans:
        text.append(inert(snippet[cursor:start]))
        text.append(inert(snippet[start:end]), style="bold yellow")
        cursor = end
    text.append(inert(snippet[cursor:]))
    return text


def print_article(article, out=None) -> None:
    from rich.text import Text

    out = out or console()
    out.print(Text(one_line(article.title) or "(untitled)", style="bold"))
    for label, value in (
        ("date", article.date_text),
        ("source", article.source),
        ("author", article.author),
        ("section", article.section),
        ("url", article.url),
        ("language", article.language),
        ("id", article.id),
        ("path", display_path(article.path)),
    ):
        if value:
            out.print(Text.assemble((f"{label:>8}: ", "dim"), one_line(value)))
    out.print()
    out.print(Text(inert(article.body)))


def print_index_report(report, out=None) -> None:
    from rich.text import Text

    out = out or console()
    others = "".join(f", {len(paths):,} {what}" for what, paths in (("unsupported", report.unsupported),
                                                                      ("excluded", report.excluded)) if paths)
    line = (
        f"{report.added:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged,"
        f" {report.removed:,} removed, {len(report.skipped):,} skipped{others}"
        f" ({report.files:,} files in {report.seconds:.1f} s)"
    )
    out.print(Text(line))


def print_passed_over(report, out=None) -> None:
    """--verbose: each file of another type, and each excluded file or folder, on its own line."""
    from rich.text import Text

    out = out or console(stderr=True)
    for what, paths in (("unsupported file type", report.unsupported), ("excluded", report.excluded)):
        for path in paths:
            out.print(Text(f"not read {display_path(path)}: {what}", style="dim"), soft_wrap=True)


def print_skips(skips, out=None) -> None:
    from rich.text import Text

    out = out or console(stderr=True)
    for skip in skips:
        # One line per skip, never wrapped: people grep these.
        out.print(Text(f"skipped {display_path(skip.path)}: {one_line(skip.reason)}", style="yellow"), soft_wrap=True)


def print_stats(stats, out=None) -> None:
    from rich.table import Table
    from rich.text import Text

    out = out or console()
    out.print(Text(f"{stats.articles:,} articles in {display_path(stats.path)} ({stats.index_bytes / 1e6:.1f} MB)", style="bold"))
    if stats.first_date:
        out.print(Text(f"dates: {stats.first_date} to {stats.last_date} ({stats.undated:,} undated)"))
    else:
        out.print(Text("dates: none known"))
    if stats.last_update:
        out.print(Text(f"last update: {stats.last_update}"))
    if stats.sources:
        table = Table("source", "articles", box=None, pad_edge=False)
        for name, count in stats.sources.items():
            table.add_row(Text(one_line(name)), f"{count:,}")
        out.print()
        out.print(table)


COLLAPSE_EMPTY = 3  # a run of at least this many empty buckets is shown as one line


def print_timeline(timeline, out=None) -> None:
    from rich.text import Text

    out = out or console()
    out.print(
        Text.assemble(
            (f"{timeline.total:,} articles", "bold"), " for ", (one_line(timeline.query), "bold"),
            f" by {timeline.interval}" + (f" ({timeline.undated:,} undated)" if timeline.undated else ""),
        )
    )
    if not timeline.counts:
        return
    peak = max(timeline.counts.values()) or 1
    width = max(10, out.width - 22)
    for row in collapsed(list(timeline.counts), timeline.counts.get, timeline.interval):
        if isinstance(row, Text):
            out.print(row)
            continue
        count = timeline.counts[row]
        bar = "█" * max(1, round(width * count / peak)) if count else ""
        out.print(Text.assemble(f"{row:>10} ", (f"{count:>7,} ", "bold"), (bar, "cyan")))


def collapsed(keys: list[str], value, interval: str):
    """The bucket keys, with each run of COLLAPSE_EMPTY or more empty buckets replaced by one dim line."""
    from rich.text import Text

    run: list[str] = []

    def flush():
        if len(run) >= COLLAPSE_EMPTY:
            yield Text(f"{run[0]:>10} … {run[-1]}: {len(run):,} {interval}s with none", style="dim")
        else:
            yield from run
        run.clear()

    for key in keys:
        if not value(key):
            run.append(key)
            continue
        yield from flush()
        yield key
    yield from flush()


SERIES_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")


def print_comparison(comparison, out=None) -> None:
    """Several timelines on one axis: a column per query (count, or share of all articles), a bar each."""
    from rich.text import Text

    out = out or console()
    series = comparison.timelines
    for i, t in enumerate(series):
        line = Text.assemble(("■ ", SERIES_STYLES[i % len(SERIES_STYLES)]), (one_line(t.query), "bold"),
                             f": {t.total:,} articles" + (f" ({t.undated:,} undated)" if t.undated else ""))
        out.print(line)
    what = "share of all articles" if comparison.normalized else "articles"
    out.print(Text(f"by {comparison.interval}, {what}", style="dim"))
    if not comparison.buckets:
        return
    values = comparison.shares if comparison.normalized else [t.counts for t in series]
    peaks = [max(v.values(), default=0) or 1 for v in values]
    cell = 8
    bar_width = max(4, (out.width - 11 - len(series) * (cell + 2)) // max(1, len(series)))

    def shown(v) -> str:
        return f"{100 * v:>{cell - 1}.2f}%" if comparison.normalized else f"{v:>{cell},}"

    for row in collapsed(comparison.buckets, lambda key: any(t.counts.get(key) for t in series), comparison.interval):
        if isinstance(row, Text):
            out.print(row)
            continue
        line = Text(f"{row:>10}")
        for i, v in enumerate(values):
            amount = v.get(row, 0)
            bar = "█" * max(1, round(bar_width * amount / peaks[i])) if amount else ""
            line.append(f" {shown(amount)} ", style="bold")
            line.append(bar.ljust(bar_width), style=SERIES_STYLES[i % len(SERIES_STYLES)])
        line.rstrip()
        out.print(line, soft_wrap=True)


def print_check(report, out=None) -> None:
    """The findings of ``newsearch check`` (and what ``--repair`` did)."""
    from rich.text import Text

    out = out or console()
    where = display_path(report.index)
    for action in report.actions:
        out.print(Text(f"repair: {one_line(action)}"))
    if report.missing:
        out.print(Text(f"repair: {len(report.missing):,} listed files no longer exist and were left out"))
    problems = report.remaining if report.repaired else report.problems
    if report.repaired and report.problems:
        out.print(Text(f"found {len(report.problems):,} problems before the repair:"))
        for problem in report.problems:
            out.print(Text(f"  {one_line(problem)}"), soft_wrap=True)
    if not problems:
        size = f": {report.articles:,} articles" if report.articles is not None else ""
        files = f" from {report.files:,} files" if report.files is not None else ""
        out.print(Text(f"the index at {where} is intact{size}{files}", style="bold green"), soft_wrap=True)
        return
    out.print(Text(f"the index at {where} is damaged:", style="bold red"), soft_wrap=True)
    for problem in problems:
        out.print(Text(f"  {one_line(problem)}"), soft_wrap=True)
    if not report.repaired:
        out.print(Text(f"`newsearch check --repair --index {where}` rebuilds it from the files it was made of"), soft_wrap=True)
