"""nx-27017 on a Unix socket: the embedded store reachable by the app's user only.

nx-27017 0.8.1 listens on TCP only and has no authentication, so anyone on the host could read the
bcrypt hashes or promote a user to admin. This program serves nx-27017's own handler (its MongoDB
wire protocol over neosqlite) on a Unix socket instead, inside a folder only the app's user may
enter (0700), with a umask that makes every file it creates 0600. pymongo connects to it with
`mongodb://<url-encoded socket path>`. Started by MongoDB/banco_embutido.py:

    python -m MongoDB.nx_unix --db DATA_DIR/databutcher.db --socket <folder>/nx-27017.sock --log-file F
"""
import argparse
import asyncio
import logging
import os
import signal
import sys

from nx_27017.handler import NeoSQLiteHandler
from nx_27017.server import handle_client


async def servir(caminho_socket, handler):
    async def atender(leitor, escritor):
        await handle_client(leitor, escritor, handler)

    if os.path.exists(caminho_socket):
        os.unlink(caminho_socket)  # left by a killed run; banco_embutido checked nobody answers on it
    servidor = await asyncio.start_unix_server(atender, path=caminho_socket)
    os.chmod(caminho_socket, 0o600)
    async with servidor:
        await servidor.serve_forever()


def main(argumentos=None):
    parser = argparse.ArgumentParser(prog="python -m MongoDB.nx_unix", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="arquivo SQLite (ou 'memory')")
    parser.add_argument("--socket", required=True, help="caminho do socket Unix")
    parser.add_argument("--log-file", required=True)
    args = parser.parse_args(argumentos)
    os.umask(0o077)  # the database, its WAL and the log: the owner's alone
    logging.basicConfig(filename=args.log_file, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a clean exit: SQLite closes its files
    handler = NeoSQLiteHandler(":memory:" if args.db == "memory" else args.db, journal_mode="WAL")
    asyncio.run(servir(args.socket, handler))


if __name__ == "__main__":
    main()
