/* Profile picture: show the square the three sliders keep, as they move.
   The sliders are ordinary form fields: without JavaScript the crop still works. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-avatar-cropper]");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var figure = form.querySelector(".avatar-crop");
  var canvas = form.querySelector(".avatar-crop__preview");
  var size = form.querySelector("[name=crop_size]");
  var left = form.querySelector("[name=crop_left]");
  var top = form.querySelector("[name=crop_top]");
  var image = null;

  function draw() {
    if (!image) return;
    var w = image.naturalWidth, h = image.naturalHeight;
    var side = Math.max(1, Math.round(Math.min(w, h) * Number(size.value) / 100));
    var x = Math.round((w - side) * Number(left.value) / 100);
    var y = Math.round((h - side) * Number(top.value) / 100);
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, x, y, side, side, 0, 0, canvas.width, canvas.height);
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { figure.hidden = true; return; }
    // A data: URL, which the Content-Security-Policy allows for images.
    var reader = new FileReader();
    reader.onload = function () {
      var img = new Image();
      img.onload = function () { image = img; figure.hidden = false; draw(); };
      img.src = reader.result;
    };
    reader.readAsDataURL(file);
  });
  [size, left, top].forEach(function (el) { el.addEventListener("input", draw); });
})();
