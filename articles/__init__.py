"""The knowledge base: Markdown articles that staff write and customers read."""

from flask import Flask

from portal.serving import on_serve


def init_app(app: Flask) -> None:
    from articles import (
        cli,
        feedback_views,
        indexing,
        promoted_views,
        safety_views,
        search_views,
        searching,
        staff_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(search_views.bp)
    app.register_blueprint(feedback_views.bp)
    app.register_blueprint(safety_views.bp)
    app.register_blueprint(promoted_views.bp)
    app.cli.add_command(cli.articles_cli)
    app.cli.add_command(cli.search_cli)
    indexing.init_app(app)
    on_serve(app, indexing.follow_changes)
    app.extensions["article_suggestions"] = searching.articles_about
