from pathlib import Path

from sqlalchemy import func, select

from articles.importing import export_directory, import_directory
from articles.models import Article, ArticleRevision, Status
from portal.extensions import db

GOOD = """---
title: "Fehler E18: Wasser wird nicht abgepumpt"
slug: fehler-e18
language: de
category: Waschmaschinen/Fehlercodes
tags: [waschmaschine, e18]
summary: "Was E18 bedeutet."
status: published
---
## Ursache

Das Flusensieb ist verstopft.
"""

TRANSLATION = """---
title: "Error E18: water does not drain"
slug: error-e18
language: en
category: Washing machines/Error codes
tags: [washing machine]
summary: "What E18 means."
status: published
translation: fehler-e18
---
The pump filter is blocked.
"""

BAD_FILES = {
    "no-front-matter.md": "Nur Text",
    "broken-yaml.md": "---\ntitle: [unclosed\n---\nText",
    "no-title.md": "---\ncategory: A\n---\nText",
    "bad-status.md": "---\ntitle: X\ncategory: A\nstatus: live\n---\nText",
    "bad-slug.md": "---\ntitle: X\ncategory: A\nslug: Tür klemmt\n---\nText",
    "bad-category.md": "---\ntitle: X\ncategory: A/B/C\n---\nText",
}


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_published_articles_and_links_translations(app_ctx, tmp_path):
    write(tmp_path, "de/fehler-e18.md", GOOD)
    write(tmp_path, "en/error-e18.md", TRANSLATION)
    report = import_directory(tmp_path)
    assert (report.created, report.updated, report.unchanged, report.failed) == (2, 0, 0, [])
    german = db.session.scalar(select(Article).where(Article.slug == "fehler-e18"))
    english = db.session.scalar(select(Article).where(Article.slug == "error-e18"))
    assert german.status is Status.PUBLISHED and german.published.title.startswith("Fehler E18")
    assert german.translation_group and german.translation_group == english.translation_group
    assert [t.name for t in german.tags] == ["e18", "waschmaschine"]


def test_import_is_idempotent_by_slug_and_a_change_makes_a_new_revision(app_ctx, tmp_path):
    path = write(tmp_path, "fehler-e18.md", GOOD)
    import_directory(tmp_path)
    again = import_directory(tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    path.write_text(GOOD.replace("verstopft", "voller Flusen"), encoding="utf-8")
    changed = import_directory(tmp_path)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    article = db.session.scalar(select(Article).where(Article.slug == "fehler-e18"))
    assert [r.number for r in article.revisions] == [2, 1]
    assert "voller Flusen" in article.published.body


def test_status_change_in_a_file_counts_as_update(app_ctx, tmp_path):
    path = write(tmp_path, "fehler-e18.md", GOOD)
    import_directory(tmp_path)
    path.write_text(GOOD.replace("status: published", "status: archived"), encoding="utf-8")
    report = import_directory(tmp_path)
    assert report.updated == 1
    assert db.session.scalar(select(Article.status)) is Status.ARCHIVED


def test_bad_files_are_reported_and_the_rest_is_imported(app_ctx, tmp_path):
    write(tmp_path, "good.md", GOOD)
    for name, text in BAD_FILES.items():
        write(tmp_path, name, text)
    write(tmp_path, "latin1.md", "---\ntitle: Tür\ncategory: A\n---\nTür".encode("latin-1"))
    report = import_directory(tmp_path)
    assert report.created == 1
    failed = dict(report.failed)
    assert set(failed) == {*BAD_FILES, "latin1.md"}
    assert "front matter" in failed["no-front-matter.md"]
    assert "YAML" in failed["broken-yaml.md"]
    assert "title" in failed["no-title.md"]
    assert "live" in failed["bad-status.md"]
    assert "slug" in failed["bad-slug.md"]
    assert "category" in failed["bad-category.md"]
    assert "UTF-8" in failed["latin1.md"]


def test_missing_translation_is_reported_but_the_article_is_imported(app_ctx, tmp_path):
    write(tmp_path, "error-e18.md", TRANSLATION)
    report = import_directory(tmp_path)
    assert report.created == 1
    assert "fehler-e18" in report.failed[0][1]


def _snapshot():
    rows = db.session.execute(
        select(
            Article.slug,
            Article.language,
            Article.status,
            ArticleRevision.title,
            ArticleRevision.summary,
            ArticleRevision.body,
            ArticleRevision.category_path,
            ArticleRevision.tags,
        ).join(ArticleRevision, ArticleRevision.id == Article.latest_revision_id)
    ).all()
    groups = db.session.execute(
        select(func.count(func.distinct(Article.translation_group)))
    ).scalar()
    return sorted(tuple(map(str, row)) for row in rows), groups


def test_export_then_import_reproduces_the_same_articles(make_app, tmp_path):
    source = tmp_path / "source"
    write(source, "de/fehler-e18.md", GOOD)
    write(source, "en/error-e18.md", TRANSLATION)
    write(
        source,
        "de/entwurf.md",
        GOOD.replace("fehler-e18", "entwurf")
        .replace("status: published", "status: draft")
        .replace("## Ursache", "    eingerückt\n\n## Ursache"),
    )
    first = make_app()
    with first.app_context():
        import_directory(source)
        before = _snapshot()
        assert export_directory(tmp_path / "export") == 3
    second = make_app(fresh_database=True)
    with second.app_context():
        report = import_directory(tmp_path / "export")
        assert report.failed == [] and report.created == 3
        assert _snapshot() == before
        export_directory(tmp_path / "again")
    for path in (tmp_path / "export").rglob("*.md"):
        assert (
            path.read_text()
            == (tmp_path / "again" / path.relative_to(tmp_path / "export")).read_text()
        )


def test_cli_import_reports_counts_and_fails_on_bad_files(app, tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "bad.md", "kaputt")
    result = app.test_cli_runner().invoke(args=["articles", "import", str(tmp_path)])
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in result.output
    assert "bad.md" in result.output
    assert result.exit_code == 1
    result = app.test_cli_runner().invoke(args=["articles", "export", str(tmp_path / "out")])
    assert result.exit_code == 0 and (tmp_path / "out/de/fehler-e18.md").exists()
