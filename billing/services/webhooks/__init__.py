"""Stripe Connect events for the businesses' shops: ``events`` verifies, stores and
processes a delivery; ``handlers`` maps each event type to what it changes."""

from .events import (
    WebhookError,
    connect_event_receive,
    connect_event_verify,
    stripe_event_handle,
    stripe_event_process,
    stripe_event_retry,
)
from .handlers import HANDLERS

__all__ = [
    "HANDLERS",
    "WebhookError",
    "connect_event_receive",
    "connect_event_verify",
    "stripe_event_handle",
    "stripe_event_process",
    "stripe_event_retry",
]
