"""Several nodes share one database and keep their own search index: each follows the change log."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from articles import authoring, indexing
from articles.models import Article, ArticleChange
from portal.extensions import db
from portal.models import utcnow
from tests.articles.helpers import publish_article


@pytest.fixture
def nodes(make_app, tmp_path):
    """Two portals on one database, each with its own instance folder (and index)."""
    first = make_app(INSTANCE_PATH=tmp_path / "node-a")
    second = make_app(INSTANCE_PATH=tmp_path / "node-b")
    for node in (first, second):
        with node.app_context():
            indexing.rebuild(node)
    return first, second


def indexed(app, slug: str, language: str = "de") -> bool:
    with app.app_context():
        index = indexing.search_index(app)[language]
        index.refresh()
        searcher = index.searcher()
        return searcher.document(slug=slug) is not None


@pytest.fixture
def follower():
    """Make a leading follower of an app's index; all are released after the test."""
    made = []

    def make(app) -> indexing.ChangeFollower:
        found = indexing.ChangeFollower(app, interval=1)
        made.append(found)
        assert found.leading()
        return found

    yield make
    for found in made:
        found.release()


def test_an_article_published_on_one_node_reaches_the_other_nodes_index(nodes, follower):
    first, second = nodes
    slug = publish_article(second, title="Wärmepumpe taut ab")
    assert indexed(second, slug)
    assert not indexed(first, slug)

    with first.app_context():
        assert follower(first).catch_up() >= 1
    assert indexed(first, slug)


def test_renamed_and_unpublished_articles_leave_no_stale_entry_on_other_nodes(nodes, follower):
    first, second = nodes
    renamed = publish_article(second, title="Trockner piept")
    gone = publish_article(second, title="Herd zeigt F9")
    keeper = follower(first)
    with first.app_context():
        keeper.catch_up()
    assert indexed(first, renamed) and indexed(first, gone)

    with second.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == renamed))
        article.slug = "trockner-piept-dreimal"
        authoring.unpublish(db.session.scalar(select(Article).where(Article.slug == gone)))
        db.session.commit()
    with first.app_context():
        keeper.catch_up()
    assert indexed(first, "trockner-piept-dreimal")
    assert not indexed(first, renamed)
    assert not indexed(first, gone)


def test_a_change_committed_late_with_a_lower_id_is_still_applied(nodes, follower):
    """Ids are taken when a transaction writes, not when it commits: the follower looks back."""
    first, second = nodes
    keeper = follower(first)
    with first.app_context():
        keeper.catch_up()
        index = indexing.search_index(first)
        index.set_position(index.position() + 50)  # as if later changes were applied already
    slug = publish_article(second, title="Geschirrspüler bleibt nass")

    with first.app_context():
        keeper.catch_up()
    assert indexed(first, slug)


def test_changes_older_than_the_look_back_are_applied_once_only(nodes, follower):
    first, second = nodes
    publish_article(second, title="Spülmaschine brummt")
    keeper = follower(first)
    with first.app_context():
        assert keeper.catch_up() >= 1
        assert keeper.catch_up() == 0
        db.session.execute(update(ArticleChange).values(changed_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        keeper.applied.clear()  # a restarted process remembers only the saved position
        assert keeper.catch_up() == 0


def test_a_new_node_builds_its_index_when_it_starts(make_app, tmp_path, follower):
    existing = make_app(INSTANCE_PATH=tmp_path / "node-a")
    slug = publish_article(existing, title="Boiler heizt nicht")
    newcomer = make_app(INSTANCE_PATH=tmp_path / "node-new")
    with newcomer.app_context():
        assert not indexing.search_index(newcomer).exists()
        follower(newcomer).catch_up()
        head = db.session.scalar(select(func.max(ArticleChange.id)))
        assert indexing.search_index(newcomer).position() == head
    assert indexed(newcomer, slug)


def test_one_follower_per_index_folder_leads(nodes):
    first, _ = nodes
    leader = indexing.ChangeFollower(first, interval=1)
    other = indexing.ChangeFollower(first, interval=1)
    try:
        assert leader.leading()
        assert not other.leading()
        leader.release()  # as when the leading process ends
        assert other.leading()
    finally:
        leader.release()
        other.release()


def test_every_article_commit_is_logged_and_votes_are_not(app):
    slug = publish_article(app, title="Kühlschrank brummt")
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(ArticleChange))
        assert logged >= 1
        assert set(db.session.scalars(select(ArticleChange.slug))) == {slug}


def test_a_damaged_index_is_rebuilt_by_the_follower(make_app, tmp_path, follower, caplog):
    node = make_app(INSTANCE_PATH=tmp_path / "node-a")
    with node.app_context():
        indexing.rebuild(node)
    slug = publish_article(make_app(INSTANCE_PATH=tmp_path / "node-b"), title="Speicher tropft")
    for table in (tmp_path / "node-a" / "search").rglob("*.toc"):
        table.write_bytes(b"\x00garbage" * 10)

    restarted = make_app(INSTANCE_PATH=tmp_path / "node-a")
    with restarted.app_context():
        follower(restarted).catch_up()
    assert "search index unreadable: rebuilt" in caplog.text
    assert indexed(restarted, slug)


def _age_changes(days: int) -> None:
    db.session.execute(update(ArticleChange).values(changed_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_changes_older_than_a_week_are_pruned_but_the_head_stays(nodes, follower):
    first, second = nodes
    for title in ("Ofen rußt", "Kessel klopft", "Therme zündet nicht"):
        publish_article(second, title=title)
    with first.app_context():
        head = db.session.scalar(select(func.max(ArticleChange.id)))
        _age_changes(8)
        follower(first).catch_up()
        assert db.session.scalars(select(ArticleChange.id)).all() == [head]


def test_a_node_away_longer_than_the_log_is_kept_rebuilds_its_index(nodes, follower, caplog):
    first, second = nodes
    missed = publish_article(second, title="Heizkörper bleibt kalt")
    with first.app_context():
        _age_changes(8)
    publish_article(second, title="Fußbodenheizung rauscht")
    with second.app_context():
        follower(second).catch_up()  # the other node's leader prunes
    assert not indexed(first, missed)

    caplog.set_level(logging.INFO, logger=indexing.__name__)
    with first.app_context():
        follower(first).catch_up()
    assert indexed(first, missed)
    assert "pruned: rebuilt" in caplog.text
