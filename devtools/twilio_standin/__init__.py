"""The local Twilio stand-in: Twilio's Messages API in memory, for tests and `make run`
(``server``; ``python -m devtools.twilio_standin --port=12113``)."""
