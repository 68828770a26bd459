"""Data layer: one manager per aggregate over a single MongoClient. No Flask, no MQTT here."""
