#!/bin/bash
# Samples kernel socket memory every 2 s: sockstat (TCP inuse, mem pages) and TCP slab objects.
while true; do
  echo "$(date +%T) $(grep '^TCP:' /proc/net/sockstat) | slab $(awk '$1=="TCP"||$1=="sock_inode_cache"||$1=="dentry"||$1=="filp"{printf "%s objs=%s size=%s; ", $1, $3, $4}' /proc/slabinfo 2>/dev/null)"
  sleep 2
done
