-- geohash.lua: the plugin built step by step in docs/plugins.md
-- ("Tutorial: a geohash transform").
--
-- Adds a geohash field to every record: the point at (lat, lon) as a short
-- base-32 text (u4xsu is a cell of about 5 km around Oslo), so records can
-- be grouped or joined by area with a plain equality.

-- The geohash alphabet: 0-9 and a-z without a, i, l and o.
local BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"

-- Each character holds 5 bits; the bits halve the longitude range and the
-- latitude range in turn, longitude first.
local function encode(lat, lon, precision)
    local lat_lo, lat_hi = -90.0, 90.0
    local lon_lo, lon_hi = -180.0, 180.0
    local out = {}
    local bits, ch, even = 0, 0, true
    while #out < precision do
        if even then
            local mid = (lon_lo + lon_hi) / 2
            if lon >= mid then
                ch = ch * 2 + 1
                lon_lo = mid
            else
                ch = ch * 2
                lon_hi = mid
            end
        else
            local mid = (lat_lo + lat_hi) / 2
            if lat >= mid then
                ch = ch * 2 + 1
                lat_lo = mid
            else
                ch = ch * 2
                lat_hi = mid
            end
        end
        even = not even
        bits = bits + 1
        if bits == 5 then
            out[#out + 1] = BASE32:sub(ch + 1, ch + 1)
            bits, ch = 0, 0
        end
    end
    return table.concat(out)
end

weir.node_type {
    kind = "transform",
    name = "geohash",
    title = "Geohash",
    description = "Add the geohash of a latitude and longitude to every record",
    settings = {
        { name = "lat", type = "string", default = "lat",
          help = "the latitude field, in degrees (-90 to 90)" },
        { name = "lon", type = "string", default = "lon",
          help = "the longitude field, in degrees (-180 to 180)" },
        { name = "precision", type = "integer", default = 6, min = 1, max = 12,
          help = "characters: 5 is about 5 km, 6 about 1 km, 7 about 150 m" },
        { name = "into", type = "string", default = "geohash",
          help = "the field to write the geohash to",
          check = function(value, node)
              if value == node.settings.lat or value == node.settings.lon then
                  return "'" .. value .. "' would overwrite a coordinate: choose another field"
              end
              return nil
          end },
    },
    record = function(record, node)
        local s = node.settings
        local lat, lon = tonumber(record[s.lat]), tonumber(record[s.lon])
        if lat and lon and lat >= -90 and lat <= 90 and lon >= -180 and lon <= 180 then
            record[s.into] = encode(lat, lon, s.precision)
        else
            record[s.into] = nil -- no position, or not a valid one: NULL
        end
        return record
    end,
}
