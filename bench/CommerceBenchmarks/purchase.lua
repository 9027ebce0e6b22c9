-- P2's Redis baseline: one flash-sale purchase, decided and recorded atomically (a script runs alone).
-- KEYS[1] the sale's remaining stock, KEYS[2] units held per shopper (a hash), KEYS[3] the order sequence.
-- ARGV: shopper id, quantity, per-shopper limit, unit price, payment window (seconds), sale id.
-- Answers the order's sequence number, -1 when the shopper's limit is reached, -2 when sold out.
local shopper = ARGV[1]
local quantity = tonumber(ARGV[2])
local held = tonumber(redis.call('HGET', KEYS[2], shopper) or '0')
if held + quantity > tonumber(ARGV[3]) then
  return -1
end
local remaining = tonumber(redis.call('GET', KEYS[1]) or '0')
if remaining < quantity then
  return -2
end
redis.call('DECRBY', KEYS[1], quantity)
redis.call('HINCRBY', KEYS[2], shopper, quantity)
local sequence = redis.call('INCR', KEYS[3])
local id = 'fs.' .. ARGV[6] .. '.' .. sequence
local now = tonumber(redis.call('TIME')[1])
redis.call('HSET', 'order:' .. id,
  'id', id, 'shopper', shopper, 'quantity', quantity, 'amount', quantity * tonumber(ARGV[4]),
  'status', 'pending_payment', 'created_at', now, 'pay_by', now + tonumber(ARGV[5]))
redis.call('RPUSH', 'orders:' .. shopper, id)
return sequence
