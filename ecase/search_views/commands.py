"""``ecase search QUERY`` and ``ecase search reindex``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click

from ecase.cli_support import actor_option, audited, clean_errors, resolve_actor


class QueryGroup(click.Group):
    """A group whose first argument is either a subcommand or the start of a query."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["query", *args]
        return super().parse_args(ctx, args)


@click.group("search", cls=QueryGroup)
def search_group() -> None:
    """Full-text search: `ecase search QUERY [--json] [--limit N] [--no-near]`, or `ecase search reindex`.

    QUERY: words and "phrases", AND / OR / NOT, doc:文号, case:案件编号, person:姓名."""


@search_group.command("query", hidden=True)
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", type=int, default=20, show_default=True, help="How many hits at most.")
@click.option("--near/--no-near", default=True, show_default=True,
              help="Also find a phrase of 4+ characters with one character misread by OCR, "
                   "listed after every exact hit.")
@actor_option
@clean_errors
def query_cmd(query: tuple[str, ...], as_json: bool, limit: int, near: bool, as_user: str | None) -> None:
    """Search every page the user may see (recorded in the audit trail)."""
    import search as fts

    from ecase.search_views.views import run_search

    actor = resolve_actor(as_user)
    q = " ".join(query)
    with audited(actor, "search", detail={"q": q, "limit": limit, "near": near}) as detail:
        result = run_search(actor, q, fts.Filters(), limit, 0, near=near)
        detail["hits"] = result.total
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo(f"共 {result.total} 页命中")
    for h in result.hits:
        label = f"（卷内第{h.label}页）" if h.label else ""
        snippet = h.snippet.replace("<mark>", "【").replace("</mark>", "】")
        approx = "［近似］" if h.near else ""
        click.echo(f"{approx}{h.case_no} 第{h.volume}卷 第{h.page}页{label} {h.doc_type} {h.doc_no}\n    {snippet}")


@search_group.command("reindex")
@clean_errors
def reindex_cmd() -> None:
    """Rebuild the index from the database; searches see the old index until it is done.

    Whoosh builds a fresh directory and swaps it in; PostgreSQL writes every page again
    and deletes the pages that are gone at the end (pages written meanwhile are kept).
    Resumable: an interrupted rebuild continues after the last committed page when run
    again. Memory stays bounded (one volume's rows at a time, batched commits)."""
    from ecase.search_views.indexing import all_records, get_index

    done = 0

    def source(after: str | None) -> Iterator[Any]:
        nonlocal done
        for record in all_records(after):
            done += 1
            if done % 1000 == 0:
                click.echo(f"  {done} 页…", err=True)
            yield record

    report = get_index().reindex(source)
    click.echo(f"索引已重建 / reindexed: {report}", err=True)


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (search_group,)
