"""The admin console behind `main.py`: terminal I/O (`terminal`), the subcommands (`comandos`), the menu (`menu`).

It builds the same services as the app from the same settings and calls the same use cases
(nucleo/); it never imports the web app.
"""
