#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
    from riskreg import head_start

    head_start.start(sys.argv)  # before Django: see riskreg/head_start.py
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
