"""The MQTT adapter: the topic/payload contract, what a message means, who may do what, flask-mqtt
wiring, the embedded broker and the mosquitto dynamic-security client.

Importing this package loads nothing: `mqtt.contrato` is safe for the simulator and the
firmware test, `mqtt.adaptador` is the only module that knows Flask, and `mqtt.dynsec`
imports paho only when its client is built.
"""
