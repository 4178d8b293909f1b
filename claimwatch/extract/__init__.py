"""Extraction stages over a parsed document: attribution, status, events, entities."""
