"""The channel doors: one module per provider (SMS gateway, Twilio, WhatsApp, Telegram, X, e-mail).

A door checks the provider's signature, stores the raw message through
``channels.inbound.inbound_store`` and answers at once; it registers a parser
(read by the worker) and an outbound transport (used by the outbox). A door
whose settings are missing is off and answers 404.
"""
