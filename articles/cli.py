"""``portal articles`` and ``portal search``: Markdown import and export, the search index, and
the helpfulness scores."""

from pathlib import Path

import click
from flask.cli import AppGroup

from articles import ranking
from articles.importing import export_directory, import_directory
from articles.indexing import rebuild

articles_cli = AppGroup("articles", help="Import and export articles; recompute their scores.")
search_cli = AppGroup("search", help="Manage the full-text search index.")


@articles_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(folder: Path):
    """Import a folder of Markdown articles; idempotent by slug."""
    report = import_directory(folder)
    for name, reason in report.failed:
        click.echo(f"failed: {name}: {reason}", err=True)
    click.echo(report.summary())
    if report.failed:
        raise SystemExit(1)


@articles_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(folder: Path):
    """Export every article as Markdown files into a folder."""
    click.echo(f"{export_directory(folder)} articles exported to {folder}")


@articles_cli.command("rescore")
def rescore_command():
    """Recompute the helpfulness scores from the votes."""
    click.echo(f"Helpfulness recomputed for {ranking.rebuild_scores()} articles with votes.")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the database."""
    click.echo(f"Search index rebuilt with {rebuild()} published articles.")
