import re

from sqlalchemy import select

from articles import authoring
from articles.models import Article, ArticleRevision
from portal.extensions import db
from tests.articles.helpers import publish_article


def test_home_lists_categories_with_counts_and_latest_articles(app, client):
    publish_article(app)
    publish_article(app, title="Fehler E18", category="Waschmaschinen/Fehlercodes")
    publish_article(app, title="Therme entlüften", category="Heizung")
    publish_article(app, title="Pump filter", language="en", category="Washing machines")
    page = client.get("/de/").get_data(as_text=True)
    assert "Waschmaschinen" in page and "2 Artikel" in page
    assert "Heizung" in page and "1 Artikel" in page
    assert "Washing machines" not in page
    assert "Fehler E18" in page and "Neueste Artikel" in page


def test_category_page_groups_articles_by_section(app, client):
    publish_article(app)
    publish_article(app, title="Fehler E18", category="Waschmaschinen/Fehlercodes")
    page = client.get("/de/kategorie/waschmaschinen").get_data(as_text=True)
    assert "Probleme lösen" in page and "Fehlercodes" in page
    assert page.index("Fehlercodes") < page.index("Fehler E18")
    section = client.get("/de/kategorie/waschmaschinen/fehlercodes").get_data(as_text=True)
    assert "Fehler E18" in section and ">Tür klemmt</a>" not in section
    assert client.get("/de/kategorie/gibt-es-nicht").status_code == 404


def test_article_page_shows_breadcrumbs_toc_date_and_meta_description(app, client):
    slug = publish_article(app)
    page = client.get(f"/de/artikel/{slug}").get_data(as_text=True)
    assert '<h1 id="article-title">Tür klemmt</h1>' in page
    assert 'href="/de/kategorie/waschmaschinen">Waschmaschinen</a>' in page
    assert '<a href="#ursache">Ursache</a>' in page and '<a href="#loesung">Lösung</a>' in page
    assert "Zuletzt aktualisiert" in page and "<time datetime=" in page
    assert '<meta name="description" content="Was tun, wenn die Tür klemmt.">' in page


def test_related_articles_share_tags_or_section(app, client):
    slug = publish_article(app)
    publish_article(app, title="Türdichtung wechseln", tags=["tür"], category="Kühlschränke")
    publish_article(app, title="Gleicher Abschnitt", tags=["anderes"])
    publish_article(app, title="Ganz woanders", tags=["heizung"], category="Heizung")
    page = client.get(f"/de/artikel/{slug}").get_data(as_text=True)
    related = page.split('id="related-heading"')[1]
    assert "Türdichtung wechseln" in related and "Gleicher Abschnitt" in related
    assert "Ganz woanders" not in related


def test_language_switch_leads_to_the_translation(app, client):
    german = publish_article(app)
    english = publish_article(app, title="Door is stuck", language="en", category="Washers")
    with app.app_context():
        articles = db.session.scalars(select(Article).order_by(Article.id)).all()
        authoring.link_translations(*articles)
        db.session.commit()
    page = client.get(f"/de/artikel/{german}").get_data(as_text=True)
    assert f'href="/en/artikel/{english}" lang="en" hreflang="en">Read in English' in page
    assert f'hreflang="en" href="http://localhost/en/artikel/{english}"' in page


def test_drafts_and_archived_articles_are_not_shown(app, client):
    slug = publish_article(app)
    with app.app_context():
        authoring.unpublish(db.session.scalar(select(Article)))
        db.session.commit()
    assert client.get(f"/de/artikel/{slug}").status_code == 404
    assert "Tür klemmt" not in client.get("/de/").get_data(as_text=True)


def test_article_html_comes_from_the_stored_revision_not_from_rendering(app, client):
    slug = publish_article(app)
    with app.app_context():
        revision = db.session.scalar(select(ArticleRevision))
        revision.html = "<p>aus dem Speicher</p>"
        db.session.commit()
    assert "aus dem Speicher" in client.get(f"/de/artikel/{slug}").get_data(as_text=True)


def test_wrong_language_prefix_redirects_to_the_article(app, client):
    slug = publish_article(app)
    response = client.get(f"/en/artikel/{slug}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/de/artikel/{slug}"


def test_plain_search_finds_published_articles(app, client):
    publish_article(app)
    page = client.get("/de/suche?q=verriegelt").get_data(as_text=True)
    assert "Tür klemmt" in page and "1 Artikel" in page
    nothing = client.get("/de/suche?q=%25_").get_data(as_text=True)  # not LIKE wildcards
    assert "Zu „%_“ haben wir leider keinen passenden Artikel." in nothing
    assert "Vielleicht hilft Ihnen auch" not in nothing


def test_search_query_is_reflected_escaped(client):
    page = client.get("/de/suche?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "„&lt;script&gt;alert(1)&lt;/script&gt;“" in page


def _ids(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


def test_no_heading_of_an_article_takes_an_id_the_page_uses(app, client, staff):
    from tests.helpers.staff import login

    pages = [client.get(f"/de/artikel/{publish_article(app, title='Erster Artikel')}").data]
    login(client, staff["editor"])
    pages.append(client.get(f"/de/artikel/{publish_article(app, title='Zweiter')}").data)
    page_ids = {name for page in pages for name in _ids(page.decode())} - {"ursache", "loesung"}
    assert {"main", "feedback", "article-title"} <= page_ids
    body = "\n\n".join(f"## {name}\n\nText." for name in sorted(page_ids))
    body += "\n\n" + "".join(f'<h3 id="{name}">{name}</h3>\n' for name in sorted(page_ids))
    for signed_in in (True, False):
        if not signed_in:
            client.post("/staff/logout")
        slug = publish_article(app, title=f"Alle Ids {signed_in}", body=body)
        ids = _ids(client.get(f"/de/artikel/{slug}").get_data(as_text=True))
        assert len(ids) == len(set(ids)), sorted(name for name in ids if ids.count(name) > 1)
