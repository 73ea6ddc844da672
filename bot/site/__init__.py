"""The public web pages: a static site per kommun (`loftesbot site`) and the same pages served
live by `loftesbot run` (`[site] serve = true`). See `model` (what is shown, from the bot's own
services), `render` (Jinja2 templates), `generate` (files) and `live` (HTTP)."""
