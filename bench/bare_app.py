"""The bare Flask baseline for bench/ingestao_http.py: same gunicorn settings, no auth, no database.

`POST /ok` parses the JSON body and answers a small JSON, so the difference to
`POST /api/sensor-data` is exactly the product's work (device token, validation, write).
Serve with: gunicorn -w 1 --threads 16 -b 127.0.0.1:PORT 'bench.bare_app:create_app()'
"""
from flask import Flask, jsonify, request


def create_app():
    """A Flask app with only the `ok` endpoint (and a health path for the bench to wait on)."""
    app = Flask(__name__)

    @app.post("/ok")
    def ok():
        request.get_json(silent=True)
        return jsonify({"message": "ok"}), 201

    @app.get("/api/health")
    def saude():
        return jsonify({"status": "healthy"})

    return app
