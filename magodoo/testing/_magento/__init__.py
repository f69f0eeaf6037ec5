"""Internals of the fake Magento 2.4 server (see README-framework.md)."""
