"""The MQTT adapter: the topic/payload contract, what a message means, flask-mqtt wiring, the embedded broker.

Importing this package loads nothing: `mqtt.contrato` is safe for the simulator and the
firmware test, `mqtt.adaptador` is the only module that knows Flask.
"""
