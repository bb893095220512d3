from __future__ import annotations

from ninja import Router, Schema

from aksalarasa.accounts.http import AuthedRequest

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    office_id: int | None
    office_name: str | None
    regional_office_id: int | None
    roles: list[str]
    section: str
    officer_grade: str
    language: str


@router.get("/me", response=MeOut, summary="The current user")
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        office_id=user.office_id,
        office_name=user.office.name if user.office else None,
        regional_office_id=user.regional_office_id,
        roles=user.roles,
        section=user.section,
        officer_grade=user.officer_grade,
        language=user.language,
    )
