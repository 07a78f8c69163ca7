"""The baseline for bench/draw_load.py: a bare Flask endpoint served the same way."""

from flask import Flask

app = Flask(__name__)


@app.post("/bare")
def bare():
    return {"ok": True}
