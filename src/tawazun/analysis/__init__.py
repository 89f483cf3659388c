"""Analyses built on the models: back-testing against recorded outcomes."""
