"""Intake views: queue (being built)."""

from django.urls import URLPattern

urls: list[URLPattern] = []
