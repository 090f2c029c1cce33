from meritline.web.views.audit import audit_export, audit_log
from meritline.web.views.home import home

__all__ = ["audit_export", "audit_log", "home"]
