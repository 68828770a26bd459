"""The same services over every backend the product supports: mongomock, nx-27017 and, with MONGO_TEST_URI, MongoDB.

nx-27017 (the embedded default) fails silently on some queries, so manager rules are checked on each.
"""
import os
import uuid

import mongomock
import pytest
from pymongo import MongoClient

from MongoDB.gerencia_BD import GerenciadorBD
from nucleo.servicos import criar_servicos

BACKENDS = ["mongomock", pytest.param("nx-27017", marks=pytest.mark.embutido), "mongodb"]


@pytest.fixture(params=BACKENDS)
def servicos_do_banco(request):
    if request.param == "mongomock":
        cliente = mongomock.MongoClient(tz_aware=True)
    elif request.param == "nx-27017":
        cliente = MongoClient(request.getfixturevalue("nx_27017").uri, tz_aware=True)
    else:
        uri = os.environ.get("MONGO_TEST_URI")
        if not uri:
            pytest.skip("MONGO_TEST_URI não definido: sem MongoDB real para comparar")
        cliente = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    nome_banco = f"conformidade_{uuid.uuid4().hex[:10]}"
    bd = GerenciadorBD(cliente, nome_banco)
    bd.criar_indices()
    yield criar_servicos(bd, {"BCRYPT_ROUNDS": 4, "HEARTBEAT_TIMEOUT": 45})
    cliente.drop_database(nome_banco)
    cliente.close()
