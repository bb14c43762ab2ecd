"""Notices and diffusions: the international alerts member countries request and the General
Secretariat's compliance team reviews before publication, and the requests an NCB sends
straight to chosen countries, checked after sending."""
