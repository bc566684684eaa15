"""The audit log page for administrators."""

from flask import Blueprint, render_template, request

from portal import audit
from portal.auth import role_required
from portal.forms import whole_number
from portal.models import Role

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    entries, number, pages = audit.page(whole_number(request.args.get("seite")) or 1)
    return render_template(
        "portal/audit.html", entries=entries, page=number, pages=pages, label=audit.label
    )
