"""Inkoopwijzer: turns structured zorginkoopbeleid YAML into a static portal.

Pipeline, one module per stage: load -> validate (schema) -> model -> render -> build.
"""
__version__ = "0.1.0"
