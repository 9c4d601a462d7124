"""Intake views: screening (being built)."""

from django.urls import URLPattern

urls: list[URLPattern] = []
