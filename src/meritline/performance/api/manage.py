"""Performance API: manage."""

from ninja import Router

router = Router()
