-- What Quarto's content-visible filter does to an HTML render, for the helpers' unit tests:
-- an element marked `unless-format="html"` is removed, one marked `when-format="html"` is kept.
local function visible(el)
  if el.classes:includes("content-visible") and el.attributes["unless-format"] == "html" then
    return {}
  end
end
return {{Span = visible, Div = visible}}
