function transform(r) return r end
