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


NO_SLUG = GOOD.replace("slug: fehler-e18\n", "")


def test_files_without_a_slug_are_imported_again_without_copies(app_ctx, tmp_path):
    write(tmp_path, "a.md", NO_SLUG)
    write(tmp_path, "b.md", NO_SLUG.replace("verstopft", "voll"))  # the same title twice
    first = import_directory(tmp_path)
    again = import_directory(tmp_path)
    assert (first.created, first.failed) == (2, [])
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 2, [])
    slugs = db.session.scalars(select(Article.slug).order_by(Article.slug)).all()
    assert slugs == [
        "fehler-e18-wasser-wird-nicht-abgepumpt",
        "fehler-e18-wasser-wird-nicht-abgepumpt-2",
    ]


def test_a_link_to_a_file_outside_the_folder_is_not_read(app_ctx, tmp_path):
    secret = write(tmp_path / "elsewhere", "secret.md", GOOD.replace("verstopft", "GEHEIM"))
    folder = tmp_path / "import"
    write(folder, "good.md", GOOD.replace("fehler-e18", "gut"))
    (folder / "link.md").symlink_to(secret)
    (folder / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
    report = import_directory(folder)
    assert report.created == 1
    assert "outside the folder" in dict(report.failed)["link.md"]
    bodies = db.session.scalars(select(ArticleRevision.body)).all()
    assert not any("GEHEIM" in body for body in bodies)


def test_yaml_aliases_and_oversized_front_matter_are_refused(app_ctx, tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    write(tmp_path, "aliases.md", f"---\ntitle: X\ncategory: A\n{bomb}---\nText")
    write(tmp_path, "huge.md", "---\ntitle: X\ncategory: A\nsummary: " + "x" * 30_000 + "\n---\nT")
    write(tmp_path, "deep.md", "---\ntitle: X\ncategory: A\ntags: " + "[" * 5000 + "\n---\nT")
    write(tmp_path, "brackets.md", "---\ntitle: Klammern\ncategory: A\n---\n" + "[" * 5000)
    write(tmp_path, "good.md", GOOD)
    report = import_directory(tmp_path)
    failed = dict(report.failed)
    assert report.created == 1 and set(failed) == {
        "aliases.md",
        "huge.md",
        "deep.md",
        "brackets.md",
    }
    assert "aliases" in failed["aliases.md"]
    assert "longer than 20,000" in failed["huge.md"]
    assert "YAML" in failed["deep.md"]
    assert "'body'" in failed["brackets.md"] and "brackets" in failed["brackets.md"]
