"""The device simulator: machines that publish like the firmware (MQTT or HTTP) and obey commands.

Product code, used by `main.py simular`, the tests and the benchmarks; it knows the contract
(nucleo.contrato, mqtt.contrato) and nothing of Flask.
"""
