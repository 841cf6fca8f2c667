"""Live progress: WebSocket messages and signed webhooks, from the jobs table's stream.

- ``messages``: the protocol (envelope, each message's data) and the messages a job change makes;
- ``stream``: the notify function (stream records -> subscribers and webhook deliveries);
- ``websocket``: the WebSocket routes ($connect, $disconnect, subscribe, unsubscribe, echo);
- ``connections``, ``throttle``: their state in the connections table;
- ``sender``: API Gateway's Management API, or the local stack's in-process sockets;
- ``webhooks``, ``delivery``, ``signing``: webhook registrations, the deliver function, HMAC signatures;
- ``egress``: the SSRF guard and connections pinned to the address it checked (the downloader's too);
  the delivery log itself is paperlane.storage.deliveries.
"""
