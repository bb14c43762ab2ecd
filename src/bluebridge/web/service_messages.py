"""The fixed reasons that service functions give for refusing input, marked here so that the
message catalogs carry them and the portal shows field errors in the visitor's language.
Reasons built with values (a number, a code) stay in English until services give them as
templates; the English text is what the API returns in every case."""

from __future__ import annotations

from bluebridge.web.i18n import N_

SERVICE_REASONS = (
    N_("already in use"),
    N_("not a country code (ISO 3166)"),
    N_("an authenticator is already enrolled"),
    N_("choose a kind of agency"),
    N_("choose a specialty"),
    N_("give a name of 1 to 120 characters"),
    N_("give a name of 1 to 200 characters"),
    N_("give a whole number of days"),
    N_("give at least one role"),
    N_("give the code of the agency"),
    N_("is not your current password"),
    N_("must differ from the current password"),
    N_("must not contain the user name"),
    N_("NCB exists"),
    N_("no agency with this code that you administer"),
    N_("no such user"),
    N_("not a member country"),
    N_("not an e-mail address"),
    N_("only specialized units have one"),
    N_("required for a specialized unit"),
    N_("required for this kind of agency"),
    N_("say why the review needs the content in 10 to 500 characters"),
    N_("there is one General Secretariat"),
    N_("this kind of agency belongs to no country"),
    N_("this page needs the administrator role"),
    N_("unknown action"),
    N_("use 2-40 capital letters, digits or hyphens"),
    N_("use 3-64 lower-case letters, digits, dots, hyphens or underscores"),
    N_("use at most 256 characters"),
    N_("use more varied characters"),
    N_("must not contain control characters"),
    N_("you cannot deactivate your own account"),
    N_("you cannot remove your own administrator role"),
    N_("you may administer only your own agency"),
)
