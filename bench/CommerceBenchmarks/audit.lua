-- P2's Redis audit: units sold, orders recorded, and the most units one shopper holds.
-- KEYS[1] remaining stock, KEYS[2] units held per shopper, KEYS[3] the order sequence; ARGV[1] the sale's quantity.
local most = 0
for _, units in ipairs(redis.call('HVALS', KEYS[2])) do
  most = math.max(most, tonumber(units))
end
local sold = tonumber(ARGV[1]) - tonumber(redis.call('GET', KEYS[1]))
local orders = tonumber(redis.call('GET', KEYS[3]) or '0')
return {sold, orders, most}
