"""Which `Host:` values the preview answers, so a web page elsewhere cannot read it through a
DNS-rebinding name: the bound address, localhost and the name given by `--host`; nothing else."""

from __future__ import annotations

import ipaddress

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD = frozenset({"", "0.0.0.0", "::"})


def host_name(header: str) -> str:
    """`Host:` value → the name alone: no port, no brackets, lower case, no final dot."""
    value = header.strip().lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostCheck:
    """Allowed names for a server bound to `bound` (the --host value) at `address`."""

    def __init__(self, bound: str, address: str) -> None:
        self.names = LOOPBACK | {host_name(bound), host_name(address)}
        # bound to every interface: the machine's own addresses are not known in advance, but an
        # IP literal cannot be rebound, so any is answered; a DNS name still has to be named
        self.any_ip = host_name(bound) in WILDCARD

    def allows(self, header: str | None) -> bool:
        """A request without Host (HTTP/1.0) is not from a browser, so it cannot be rebound."""
        if header is None:
            return True
        name = host_name(header)
        return name in self.names or (self.any_ip and is_ip_literal(name))
