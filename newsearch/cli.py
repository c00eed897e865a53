"""The command line: options in, one library call, one renderer out.

Heavy modules (Whoosh, Rich, dateutil) are imported inside the commands that
use them, so ``newsearch --help`` and each command start quickly.

Exit codes: 0 success (hits found); 1 a search found nothing; 2 usage error,
malformed query, missing or incompatible index; 3 index locked by another run
for longer than --wait; 4 the index is damaged; 74 the system refused (disk
full, no permission); 70 internal error (a bug); 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from newsearch.errors import ExitCode, NewsearchError
from newsearch.output.fields import ARTICLE_FIELDS, HIT_FIELDS
from newsearch.query.syntax import SYNTAX_HELP

DEFAULT_INDEX = "./index"


def index_option(command):
    return click.option(
        "--index",
        "index_dir",
        envvar="NEWSEARCH_INDEX",
        default=DEFAULT_INDEX,
        show_default=True,
        metavar="DIR|URL",
        help="Index folder, or an OpenSearch index as http(s)://[user@]host:port/NAME (or set NEWSEARCH_INDEX).",
    )(command)


def _set_color(_ctx, _param, value):
    from newsearch.output.color import set_color

    set_color(value or "auto")
    return value


def color_option(command):
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
        expose_value=False, callback=_set_color,
        help="Colour: auto (on a terminal, unless NO_COLOR is set), always (also piped, for less -R), never.",
    )(command)


def handle_errors(command):
    """Turn library errors into one line on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except NewsearchError as exc:
            click.echo(f"newsearch: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader (head, jq) went away: not an error worth a traceback.
            sys.stderr.close()
            os._exit(0)
        except OSError as exc:  # a folder that cannot be created, a disk that is full, ...
            click.echo(f"newsearch: {system_message(exc)}", err=True)
            sys.exit(ExitCode.SYSTEM)
        except MemoryError:
            click.echo("newsearch: out of memory", err=True)
            sys.exit(ExitCode.SYSTEM)
        except EOFError as exc:  # not Click's "Aborted!": an end of data nobody expected is a bug
            raise RuntimeError(f"unexpected end of data ({exc})") from exc
        except KeyboardInterrupt:
            click.echo("newsearch: interrupted", err=True)
            sys.exit(ExitCode.INTERRUPTED)

    return wrapper


def system_message(exc: OSError) -> str:
    """One line for what the system refused, with what to do where that is clear."""
    import errno

    from newsearch.output.safe import display_path

    where = f": {display_path(os.fsdecode(exc.filename))}" if exc.filename else ""
    advice = {
        errno.ENOSPC: " — free some space (the index keeps what was committed before the disk filled)",
        errno.EDQUOT: " — free some space or raise the quota (the index keeps what was committed)",
        errno.EACCES: " — check the permissions, or give --index a folder you may write to",
        errno.EPERM: " — check the permissions, or give --index a folder you may write to",
        errno.EROFS: " — give --index a folder on a writable disk",
    }.get(exc.errno or 0, "")
    return f"{(exc.strerror or str(exc)).lower()}{where}{advice}"


def _seconds(_ctx, _param, value: float) -> float:
    import math

    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{value!r} is not a number of seconds (0 or more)")
    return value


def _source_name(_ctx, _param, value: str | None) -> str | None:
    """``--source NAME`` with its spaces tidied (as the articles will show it); an empty name is refused."""
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        raise click.BadParameter("give the publisher's name, e.g. --source 'The Daily Star'")
    return name


def _print_version(ctx, _param, value):
    """--version from the package metadata (written once, in pyproject.toml), read only when asked."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        click.echo(f"newsearch {version('newsearch')}")
    except PackageNotFoundError:
        click.echo("newsearch (not installed: run from a source tree)")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version and exit.")
def cli():
    """Full-text search for news archives."""


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--exclude", "patterns", multiple=True, metavar="GLOB", help="Leave out files and folders matching GLOB ('*.bak', 'drafts', '2024/tmp/*'; repeatable); a .newsearchignore file in a folder does the same for it.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the files of other types and the excluded ones that were not read.")
@click.option("--rebuild", is_flag=True, help="Start the index over from scratch.")
@click.option("--wait", default=60.0, show_default=True, metavar="SECONDS", callback=_seconds, help="How long to wait for another indexing run to finish.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N", help="Worker processes  [default: one per core; none for small jobs]")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--source", metavar="NAME", callback=_source_name, help="The publisher of every article in PATHS (a folder scraped from one site); remembered for these files' later runs.")
@color_option
@handle_errors
def index_command(paths, index_dir, patterns, verbose, rebuild, wait, jobs, quiet, as_json, source):
    """Index the article files in PATHS (files or folders, recursively).

    Re-runs are incremental: unchanged files are skipped without being read,
    changed ones re-indexed, and articles of files gone from PATHS removed.
    Without PATHS: refresh the folders and files the index was made from.
    """
    from newsearch.indexing.run import index_paths
    from newsearch.output.progress import index_progress

    def on_wait():
        if not quiet:
            click.echo(f"another newsearch run is indexing into {index_dir}; waiting up to {wait:g}s …", err=True)

    progress = index_progress(quiet)
    try:
        report = index_paths(paths, index_dir, rebuild=rebuild, wait=wait, on_wait=on_wait, progress=progress, jobs=jobs,
                             source=source, exclude=patterns)
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    if as_json:
        from newsearch.output.jsonout import write_json

        write_json(report.to_dict())
    elif not quiet:
        from newsearch.output import terminal

        terminal.print_skips(report.skipped, terminal.console(stderr=True))
        if verbose:
            terminal.print_passed_over(report, terminal.console(stderr=True))
        elif report.unsupported:
            many = len(report.unsupported) != 1
            click.echo(f"note: {len(report.unsupported):,} file{'s' if many else ''} of other types {'were' if many else 'was'} not read"
                       " (--verbose lists them)", err=True)
        terminal.print_index_report(report)
    if report.files and not report.indexed and not report.unchanged and report.skipped:
        click.echo("newsearch: nothing indexable in the given paths", err=True)
        sys.exit(ExitCode.USAGE)
    if not report.files and report.skipped and not report.removed:
        sys.exit(ExitCode.USAGE)


def table_options(command):
    """--csv and --tsv: a table for spreadsheets, stored as the format's name in ``table``."""
    command = click.option("--tsv", "table", flag_value="tsv", help="Tab-separated values with a header row.")(command)
    return click.option("--csv", "table", flag_value="csv", help="CSV (RFC 4180) with a header row; text is never a formula.")(command)


def search_options(command):
    """The filters shared by query, timeline and export."""
    options = [
        click.option("--since", metavar="DATE", help="Only articles from DATE on: 2024-11-13, 2024-11, 2024, yesterday, '3 days ago', 'last week'."),
        click.option("--until", metavar="DATE", help="Only articles up to DATE (inclusive), same forms as --since."),
        click.option("--source", "sources", multiple=True, metavar="NAME", help="Only articles from this source (case-insensitive; repeatable)."),
        click.option("--undated", type=click.Choice(["exclude", "include", "only"]), default="exclude", show_default=True,
                     help="What a date filter does with articles that have no date: leave them out (and say how many), let them through, or give only them."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("query", epilog=SYNTAX_HELP)
@click.argument("words", nargs=-1, required=True)
@index_option
@search_options
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 10_000), help="Number of results.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many results (paging).")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True, help="Order: by relevance, oldest first, or newest first.")
@click.option("--facet", "facets", multiple=True, type=click.Choice(["source"]), help="Show hit counts per source beside the results.")
@click.option("--all", "show_all", is_flag=True, help="Show every copy of syndicated or identical articles instead of grouping them.")
@click.option("--timeline", "as_timeline", is_flag=True, help="Show matches per day/week/month instead of a ranked list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with all hits.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON hit per line.")
@table_options
@click.option("--fields", metavar="LIST", help=f"Comma-separated fields of each hit for --csv/--tsv/--json/--jsonl, among: {','.join(HIT_FIELDS)}.")
@color_option
@handle_errors
def query_command(words, index_dir, since, until, sources, undated, limit, offset, sort, facets, show_all, as_timeline,
                  as_json, as_jsonl, table, fields):
    """Search the index: ranked results with highlighted snippets.

    Exit 0 when something was listed, 1 when nothing was (no match, or --offset past the last result).
    """
    from newsearch.models import SearchOptions
    from newsearch.output.fields import DEFAULT_HIT_FIELDS, choose, hit_record
    from newsearch.search.service import search

    text = " ".join(words)
    chosen = choose(fields, HIT_FIELDS, DEFAULT_HIT_FIELDS) if fields or table else None
    options = SearchOptions(limit=limit, offset=offset, since=since, until=until, sources=tuple(sources), sort=sort,
                            facets=tuple(facets), group_duplicates=not show_all, undated=undated)
    if as_timeline:
        _timeline(index_dir, [text], options, as_json, table=table)
        return
    result = search(index_dir, text, options)
    _notes(result.notes)
    if fields and not (as_json or as_jsonl or table):
        _notes(["--fields chooses the columns of --csv, --tsv, --json and --jsonl; the terminal view was shown"])
    if as_json:
        from newsearch.output.jsonout import write_json

        data = result.to_dict()
        if fields:
            data["hits"] = [hit_record(hit, chosen) for hit in result.hits]
        write_json(data)
    elif as_jsonl or table:
        if result.suggestion:
            click.echo(f"note: did you mean: {result.suggestion}?", err=True)
        if table:
            from newsearch.output.tables import write_records

            write_records(chosen, (hit_record(hit, chosen) for hit in result.hits), table)
        else:
            from newsearch.output.jsonout import write_jsonl

            write_jsonl(hit_record(hit, chosen) if fields else hit.to_dict() for hit in result.hits)
    else:
        from newsearch.output import terminal

        terminal.print_results(result)
    listed = result.hits or (result.total > offset)  # (a deadline may cut the page short: still found)
    sys.exit(ExitCode.OK if listed else ExitCode.NO_HITS)


def _notes(notes) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


@cli.command("show")
@click.argument("article_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="The article as JSON.")
@color_option
@handle_errors
def show_command(article_id, index_dir, as_json):
    """Show one article in full (by the id that query prints)."""
    from newsearch.output import jsonout, terminal
    from newsearch.search.service import get_article

    article = get_article(index_dir, article_id)
    if as_json:
        jsonout.write_json(article.to_dict())
    else:
        terminal.print_article(article)


@cli.command("export")
@click.argument("words", nargs=-1)
@index_option
@search_options
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default=None, help="Order (default: index order without WORDS, relevance with them).")
@table_options
@click.option("--fields", metavar="LIST", help=f"Comma-separated fields of each article, among: {','.join(ARTICLE_FIELDS)}.")
@handle_errors
def export_command(words, index_dir, since, until, sources, undated, sort, table, fields):
    """Articles as JSON Lines (or --csv/--tsv), with every extracted field, streamed.

    Without WORDS or filters: every indexed article. With them: every article
    the same query and filters as `query` match (all of them, no --limit;
    copies are not grouped).
    """
    from newsearch.models import SearchOptions
    from newsearch.output.fields import choose
    from newsearch.search.service import export_articles

    chosen = choose(fields, ARTICLE_FIELDS, ARTICLE_FIELDS)
    options = SearchOptions(since=since, until=until, sources=tuple(sources), sort=sort or "relevance", undated=undated)
    articles = export_articles(index_dir, " ".join(words), options, on_note=lambda note: _notes([note]))
    records = ({name: data[name] for name in chosen} for data in (article.to_dict() for article in articles))
    if table:
        from newsearch.output.tables import write_records

        write_records(chosen, records, table)
    else:
        from newsearch.output import jsonout

        jsonout.write_jsonl(records)


@cli.command("similar")
@click.argument("article_id")
@index_option
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 1000), help="Number of similar articles.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, as query --json.")
@color_option
@handle_errors
def similar_command(article_id, index_dir, limit, as_json):
    """Articles most like the article ID (by its key terms)."""
    from newsearch.output import jsonout, terminal
    from newsearch.search.explore import similar

    result = similar(index_dir, article_id, limit=limit)
    if as_json:
        jsonout.write_json(result.to_dict())
    else:
        terminal.print_results(result)
    sys.exit(ExitCode.OK if result.total else ExitCode.NO_HITS)


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object: articles, sources with counts, dates, size, last update.")
@table_options
@color_option
@handle_errors
def stats_command(index_dir, as_json, table):
    """Articles, sources, date range and size of the index (--csv/--tsv: articles per source)."""
    from newsearch.output import jsonout, terminal
    from newsearch.search.explore import stats

    result = stats(index_dir)
    if as_json:
        jsonout.write_json(result.to_dict())
    elif table:
        from newsearch.output.tables import write_table

        write_table(["source", "articles"], result.sources.items(), fmt=table)
    else:
        terminal.print_stats(result)


@cli.command("timeline")
@click.argument("words", nargs=-1, required=True)
@index_option
@search_options
@click.option("--interval", type=click.Choice(["day", "week", "month", "year"]), help="Bucket size (default: chosen from the span; coarser, with a note, when the span needs more than 10,000).")
@click.option("--compare", is_flag=True, help="Each argument is its own query, charted side by side on the same buckets (up to 8).")
@click.option("--normalize", is_flag=True, help="Also give each bucket's share of all articles of that bucket (under the same filters).")
@click.option("--json", "as_json", is_flag=True, help="The counts as JSON.")
@table_options
@color_option
@handle_errors
def timeline_command(words, index_dir, since, until, sources, undated, interval, compare, normalize, as_json, table):
    """How many matching articles per day, week, month or year, as a bar chart.

    \b
    newsearch timeline oil --interval year
    newsearch timeline oil gas --compare --normalize --csv
    """
    from newsearch.models import SearchOptions

    options = SearchOptions(since=since, until=until, sources=tuple(sources), undated=undated)
    queries = list(words) if compare else [" ".join(words)]
    _timeline(index_dir, queries, options, as_json, interval, table=table, normalize=normalize, compare=compare)


def _timeline(index_dir, queries, options, as_json, interval=None, *, table=None, normalize=False, compare=False):
    from newsearch.output import jsonout, terminal

    if compare or normalize:
        from newsearch.search.compare import compare_timelines

        result = compare_timelines(index_dir, queries, options, interval=interval, normalize=normalize)
        _notes(result.notes)
        total = sum(t.total for t in result.timelines)
        if as_json:
            jsonout.write_json(result.to_dict())
        elif table:
            from newsearch.output.tables import comparison_rows, write_table

            write_table(*comparison_rows(result), fmt=table)
        else:
            terminal.print_comparison(result)
    else:
        from newsearch.search.explore import timeline

        result = timeline(index_dir, queries[0], options, interval=interval)
        _notes(result.notes)
        total = result.total
        if as_json:
            jsonout.write_json(result.to_dict())
        elif table:
            from newsearch.output.tables import write_table

            write_table(["bucket", "articles"], result.counts.items(), fmt=table)
        else:
            terminal.print_timeline(result)
    sys.exit(ExitCode.OK if total else ExitCode.NO_HITS)


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; anything but loopback lets others on the network read the archive.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the search page in a web browser.")
@handle_errors
def serve_command(index_dir, host, port, open_browser):
    """Browse and search the index in a web browser, with a JSON API beside it."""
    from newsearch.web.server import serve

    serve(index_dir, host, port, open_browser=open_browser, say=lambda line: click.echo(line, err=True))


@cli.command("check")
@index_option
@click.option("--repair", is_flag=True, help="Mend a damaged index: rebuild it from the files it lists.")
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON.")
@color_option
@handle_errors
def check_command(index_dir, repair, as_json):
    """Check the index's files against what was written; with --repair, rebuild a damaged one.

    Exit 0 when the index is intact (or was repaired), 4 when it is damaged.
    """
    from newsearch.indexing.repair import check_index
    from newsearch.output.progress import index_progress

    progress = index_progress(as_json) if repair else None
    try:
        report = check_index(index_dir, repair=repair, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        from newsearch.output.jsonout import write_json

        write_json(report.to_dict())
    else:
        from newsearch.output import terminal

        terminal.print_check(report)
    sys.exit(ExitCode.OK if report.healthy else ExitCode.DAMAGED)


def _usable_streams() -> None:
    """Output that cannot fail on the environment: a closed stdout or stderr (``>&-``) goes nowhere,
    and characters the terminal's encoding lacks (PYTHONIOENCODING=ascii) are written as escapes."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def main() -> None:
    _usable_streams()
    try:
        cli(prog_name="newsearch")
    except Exception as exc:  # a bug, not the user's doing: one line unless debugging
        if os.environ.get("NEWSEARCH_DEBUG"):
            raise
        click.echo(f"newsearch: internal error: {type(exc).__name__}: {exc} (set NEWSEARCH_DEBUG=1 for details)", err=True)
        sys.exit(ExitCode.INTERNAL)


if __name__ == "__main__":
    main()
